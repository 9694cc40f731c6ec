"""Fixtures for this package's tests (shared ones live in tests/fixtures.py)."""

from tests.fixtures import member, member_client, steward, steward_client  # noqa: F401 - pytest fixtures
