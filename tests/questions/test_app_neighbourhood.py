"""Releases by neighbourhood: district files carry no neighbourhood, so the registry places each school in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from commonground.questions import actions
from tests.factories import OrganizationFactory
from tests.questions.app_world import SCHOOLS, World, approved, make_world

pytestmark = pytest.mark.django_db

#: school → neighbourhood, as the hub's ecosystem registry records it (school D is in none)
PLACES = {"A": "Riverside", "B": "Riverside", "C": "Oak Hill"}


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def test_a_release_by_neighbourhood_takes_each_school_s_neighbourhood_from_the_registry(world: World) -> None:
    for school, place in PLACES.items():
        OrganizationFactory(
            slug=f"school-{school.lower()}", kind="school", parent=world.district, external_id=school,
            neighborhood=place,
        )  # fmt: skip
    OrganizationFactory(
        slug="elsewhere", kind="school", external_id="A", neighborhood="Elsewhere"
    )  # no district
    question = approved(world, slug="by-neighbourhood", breakdowns=[["neighborhood"]])
    release = actions.do_publish_release(acting_user=world.steward, question=question, min_cell=3)
    rows = {line.split(",")[0]: line.split(",") for line in release.csv_text.splitlines()[1:]}
    expected = {
        "Riverside": (SCHOOLS["A"][1] + SCHOOLS["B"][1], SCHOOLS["A"][0] + SCHOOLS["B"][0]),
        "Oak Hill": (SCHOOLS["C"][1], SCHOOLS["C"][0]),
        "Unknown": (SCHOOLS["D"][1], SCHOOLS["D"][0]),
    }
    for place, (chronic, students) in expected.items():
        assert rows[place][1:5] == [
            "chronic_absence",
            str(chronic),
            str(students),
            str(round(chronic / students, 4)),
        ]
        assert rows[place][5] == "published"
    assert "Elsewhere" not in rows
