"""Shared test set-up: which database the suite runs on, and what a missing service means.

On a developer's machine a missing PostgreSQL server or Chromium makes the tests that need it skip with a
visible reason; under CI (``CI=true``) a missing one fails the run instead, so CI can never go green by skipping.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_service(reason: str) -> None:
    """Skip locally, fail under CI: the single place that decides what a missing service means."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say on the first lines of every run which database the tests use."""
    url = os.environ.get("DATABASE_URL", "")
    db = "PostgreSQL (" + url.split("@")[-1] + ")" if url.startswith("postgres") else "SQLite (embedded)"
    return [f"commonground database: {db}; CI={IN_CI}"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own hub home folder so nothing leaks between tests or into ./var."""
    from django.conf import settings

    home = tmp_path_factory.mktemp("hub-home")
    monkeypatch.setenv("COMMONGROUND_HOME", str(home))
    monkeypatch.setattr(settings, "COMMONGROUND_HOME", home, raising=False)
    monkeypatch.setattr(settings, "COMMONGROUND_DATA_DIR", home / "data", raising=False)
