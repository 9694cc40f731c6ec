"""Fixtures of the action-list tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.actionlists.world import World, build
from tests.fixtures import steward, steward_client  # noqa: F401 - fixtures used by the request tests


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    """The community of :mod:`tests.actionlists.world`."""
    return build(tmp_path)


@pytest.fixture
def coordinator_client(world: World) -> Client:
    """The after-school coordinator, signed in."""
    client = Client()
    client.force_login(world.coordinator)
    return client
