"""The list a page at a time, the rows kept between requests, and what the gate still decides on every request:
records only for the students a page shows, figures that follow a newly accepted file, and a revoked consent
that takes effect on the very next request although the rows are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from commonground.actionlists import listing, records
from commonground.governance.actions.consents import do_revoke_consent
from commonground.governance.models import Consent, DisclosureRecord
from tests.actionlists.pages import student_rows
from tests.actionlists.world import NAMES, World, _ingest, weekday

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rows() -> None:
    """Every test reads the data plane afresh (the kept rows are per process, the test databases are not)."""
    records.clear()


def _elements(hub_id: str, purpose: str) -> set[str]:
    found = DisclosureRecord.objects.filter(hub_person_id=hub_id, purpose=purpose)
    return {e for r in found for e in r.elements}


def test_pages_record_only_the_students_they_show(
    world: World, coordinator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)

    first = coordinator_client.get("/students/?sort=name").content.decode()
    assert list(student_rows(first)) == ["=2+3 Bell", "Ana Alvarez"]
    assert "3 of 3 students match; page 1 of 2, 2 shown." in first
    assert 'href="?sort=name&amp;page=2" rel="next"' in first
    assert set(DisclosureRecord.objects.values_list("hub_person_id", flat=True)) == {"HP-A", "HP-B"}
    # Bell's family consented to attendance only: her records name nothing of grades or discipline.
    bell = _elements("HP-B", "direct_services")
    assert {"attendance_event.date", "attendance_event.category", "person.last_name"} <= bell
    assert not any(e.startswith(("course_grade.", "discipline_action.", "assessment_result.")) for e in bell)

    second = coordinator_client.get("/students/?sort=name&page=2").content.decode()
    assert list(student_rows(second)) == ["Cara Cole"]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Cara's name comes from the program's own roster: recorded as such, and nothing else of hers.
    assert _elements("HP-C", "own_records") == {"person.first_name", "person.last_name"}
    assert not _elements("HP-C", "direct_services")
    assert not DisclosureRecord.objects.filter(hub_person_id="HP-D").exists()


def test_a_page_past_the_end_shows_the_last_one_and_filters_range_over_every_page(
    world: World, coordinator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)

    assert list(student_rows(coordinator_client.get("/students/?page=99").content.decode())) == ["Cara Cole"]
    assert list(student_rows(coordinator_client.get("/students/?page=x").content.decode())) == ["=2+3 Bell"]
    # Sorting ranges over the whole roster: the student with the most recent absences comes first.
    assert list(student_rows(coordinator_client.get("/students/?sort=-recent").content.decode())) == [
        "=2+3 Bell"
    ]
    assert list(student_rows(coordinator_client.get("/students/?flag=suspended").content.decode())) == [
        "Ana Alvarez"
    ]


def test_figures_follow_a_newly_accepted_submission(
    world: World, coordinator_client: Client, tmp_path: Path
) -> None:
    before = student_rows(coordinator_client.get("/students/").content.decode())
    assert before["Ana Alvarez"]["Recent absences"] == "2"

    _ingest(world.district, tmp_path, "attendance_event", {"school_id": "School", "date": "Day", "category": "Code"},
            [["1001", "101", weekday(4).isoformat(), "unexcused"]])  # fmt: skip

    after = student_rows(coordinator_client.get("/students/").content.decode())
    assert after["Ana Alvarez"]["Recent absences"] == "3"


def test_a_revoked_consent_acts_on_the_next_request_although_the_rows_are_kept(
    world: World, coordinator_client: Client
) -> None:
    coordinator_client.get("/students/")
    kept = records.snapshot(["HP-A"])
    DisclosureRecord.objects.all().delete()
    do_revoke_consent(
        acting_user=None,
        consent=Consent.objects.get(hub_person_id="HP-A"),
        requested_by="A Parent",
        reason="r",
    )

    rows = student_rows(coordinator_client.get("/students/").content.decode())

    assert records.snapshot(["HP-A"]) is kept  # the rows were not read again: the gate alone withholds them
    ana = rows["Ana Alvarez"]  # the name now comes from the program's own roster
    assert {v for k, v in ana.items() if k not in ("School", "Absences by month")} == {"restricted"}
    assert not _elements("HP-A", "direct_services")
    assert _elements("HP-A", "own_records") == {"person.first_name", "person.last_name"}


def test_the_export_records_every_exported_student_and_no_other(
    world: World, coordinator_client: Client
) -> None:
    coordinator_client.get("/students/export.csv?flag=chronic")

    assert set(DisclosureRecord.objects.values_list("hub_person_id", flat=True)) == {"HP-B"}
    assert set(DisclosureRecord.objects.values_list("route", flat=True)) == {"export"}
    bell = _elements("HP-B", "direct_services")
    assert {*NAMES, "attendance_event.date", "attendance_event.category", "enrollment.entry_date"} <= bell
    assert not any(e.startswith("course_grade.") for e in bell)


def test_the_benchmark_page_without_the_gate_is_not_served_by_the_hub(
    world: World, coordinator_client: Client
) -> None:
    # It exists only under bench/load_settings.py, outside the package.
    assert coordinator_client.get("/bench/students-ungated/").status_code == 404
