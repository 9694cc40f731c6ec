"""Data minimization: the report lists, per file, the source columns that were read but not kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.people.models import User

from .conftest import GRAND_BEND
from .web import client_for, data_lead_fixture, district_fixture  # noqa: F401 - fixtures

USERS_NOT_KEPT = ["enabledUser", "username", "identifier", "sms", "agentSourcedIds", "password"]


def test_oneroster_lists_every_column_it_does_not_keep() -> None:
    result = parse_oneroster(GRAND_BEND, "grand-bend")

    assert result.not_kept["users.csv"] == USERS_NOT_KEPT
    assert result.not_kept["enrollments.csv"] == ["primary"]
    assert result.not_kept["academicSessions.csv"] == ["title"]
    assert "orgs.csv" not in result.not_kept  # every column of orgs.csv reaches organization or school
    # birthplace and residence status are not kept; race and ethnicity are (person.race_ethnicity)
    assert result.not_kept["demographics.csv"] == [
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ]
    assert f"users.csv: {', '.join(USERS_NOT_KEPT)} (not kept: nothing in the hub needs them)" in result.notes


def test_unknown_and_drifted_columns_are_listed_as_written(grand_bend: Path) -> None:
    users = grand_bend / "users.csv"
    lines = users.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("username", "userNames") + ",favoriteColor"
    users.write_text(
        "\n".join(line + ("," if i else "") for i, line in enumerate(lines)) + "\n", encoding="utf-8"
    )

    result = parse_oneroster(grand_bend, "grand-bend")

    expected = [c.replace("username", "userNames") for c in USERS_NOT_KEPT] + ["favoriteColor"]
    assert result.not_kept["users.csv"] == expected


@pytest.mark.django_db
def test_tabular_columns_not_mapped_are_listed(tmp_path: Path, district: Organization) -> None:
    path = tmp_path / "visits.csv"
    path.write_text(
        "Student,School,Day,Code,Teacher,Notes\ns1,100,09/03/2024,A,Ms. X,late bus\n", encoding="utf-8"
    )
    mapping = load_mapping(
        "table: attendance_event\nid_column: Student\ncolumns: {school_id: School, date: Day, category: Code}\n"
        "value_maps: {category: {A: unexcused}}\ndate_formats: {date: ['%m/%d/%Y']}\n"
    )
    sub = do_ingest(acting_user=None, organization=district, fmt="tabular", paths=[path], mapping=mapping)

    assert sub.status == "accepted"
    assert sub.report["not_kept"] == {"visits.csv": ["Teacher", "Notes"]}


@pytest.mark.django_db
def test_the_report_page_shows_columns_not_kept(data_lead: User, district: Organization) -> None:
    sub = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    page = client_for(data_lead).get(reverse("ingest:submission_detail", args=[sub.pk])).content.decode()

    assert '<h2 id="not-kept">Columns not kept</h2>' in page
    assert sub.report["not_kept"]["users.csv"] == USERS_NOT_KEPT
    assert f"<strong>users.csv</strong>: {', '.join(USERS_NOT_KEPT)}" in page
