"""The roster a list page starts from is read from the population index once per version of the data
(``records.version`` and the facts revision): pages that follow ask one small query instead, and a change to the index — a new program
spell, a fact removed — shows on the very next page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonground.actionlists import access, records
from commonground.governance.models import PopulationFact
from tests.actionlists.world import World, build
from tests.governance.gate_world import takes_part

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rows() -> None:
    records.clear()


def _reads_the_index(queries: list[dict[str, str]]) -> bool:
    return any("DISTINCT hub_person_id" in q["sql"] for q in queries)


def test_the_roster_is_read_once_per_version_and_follows_the_index(tmp_path: Path) -> None:
    world: World = build(tmp_path)
    user = world.coordinator
    with CaptureQueriesContext(connection) as first:
        assert access.roster(user) == ["HP-A", "HP-B", "HP-C"]
    with CaptureQueriesContext(connection) as again:
        assert access.roster(user) == ["HP-A", "HP-B", "HP-C"]
    assert _reads_the_index(first.captured_queries) and not _reads_the_index(again.captured_queries)

    takes_part("HP-E", world.partner)  # a new spell: a new row of the index
    assert access.roster(user) == ["HP-A", "HP-B", "HP-C", "HP-E"]
    PopulationFact.objects.filter(hub_person_id="HP-E").delete()  # a fact removed
    assert access.roster(user) == ["HP-A", "HP-B", "HP-C"]
    # Program spells are compared with the day asked: a spell that begins next week is not in today's roster.
    takes_part("HP-F", world.partner, begins=timezone.localdate() + dt.timedelta(days=7))
    assert "HP-F" not in access.roster(user)
    assert "HP-F" in access.roster(user, timezone.localdate() + dt.timedelta(days=8))


def test_a_student_who_leaves_the_index_leaves_the_page_on_the_next_request(tmp_path: Path) -> None:
    world = build(tmp_path)
    client = Client()
    client.force_login(world.coordinator)
    assert "3 of 3 students match" in client.get("/students/").content.decode()
    PopulationFact.objects.filter(hub_person_id="HP-C", organization=world.partner).delete()
    page = client.get("/students/").content.decode()
    assert "2 of 2 students match" in page and "Cara" not in page


def test_a_spell_ended_in_place_leaves_the_roster_at_once(tmp_path: Path) -> None:
    # An UPDATE keeps the index's row count and ids: the facts revision's triggers still see it.
    world: World = build(tmp_path)
    takes_part("HP-E", world.partner)
    assert "HP-E" in access.roster(world.coordinator)
    PopulationFact.objects.filter(hub_person_id="HP-E", kind="program").update(
        ends=timezone.localdate() - dt.timedelta(days=1)
    )
    assert "HP-E" not in access.roster(world.coordinator)
