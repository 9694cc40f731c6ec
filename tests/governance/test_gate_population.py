"""The gate's population index, rebuilt from the person registry and the data plane (as the hub's own job)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from commonground.core.models import AuditEvent
from commonground.governance import gate
from commonground.governance.models import PopulationFact
from commonground.governance.population import do_refresh_population, is_stale
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from tests.factories import OrganizationFactory
from tests.governance.gate_walk import watching
from tests.governance.gate_world import make_agreement, staff

pytestmark = pytest.mark.django_db
linkage = pytest.importorskip("commonground.linkage.models")

ENROLLMENT = load_mapping(
    """
table: enrollment
id_column: Student
columns: {school_id: School, entry_date: Entered, exit_date: Left, school_year: Year}
date_formats: {entry_date: ["%Y-%m-%d"], exit_date: ["%Y-%m-%d"]}
"""
)
PROGRAMS = load_mapping(
    """
table: program_participation
id_column: Participant
columns: {program: Program, begin_date: Began, end_date: Ended}
date_formats: {begin_date: ["%Y-%m-%d"], end_date: ["%Y-%m-%d"]}
"""
)


def _send(org: Any, folder: Path, mapping: Any, text: str) -> None:
    path = folder / f"{org.slug}-{mapping.table}.csv"
    path.write_text(text, encoding="utf-8")
    sub = do_ingest(acting_user=None, organization=org, fmt="tabular", paths=[path], mapping=mapping)
    assert sub.status == "accepted", sub.report


def _person(hub_id: str, *records: tuple[Any, str]) -> None:
    now = timezone.now()
    person = linkage.HubPerson.objects.create(hub_id=hub_id, created_at=now)
    for org, source_id in records:
        linkage.PersonRecord.objects.create(
            hub_person=person, organization=org, source_person_id=source_id, fingerprint="f" * 64,
            first_seen_at=now, updated_at=now,
        )  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    district = OrganizationFactory(slug="riverbend", kind="district")
    school = OrganizationFactory(slug="northside", kind="school", parent=district, external_id="101")
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit")
    today = timezone.localdate()
    _send(
        district,
        tmp_path,
        ENROLLMENT,
        "Student,School,Entered,Left,Year\n"
        f"1001,101,{today - dt.timedelta(days=100)},,2025\n"
        f"1002,101,{today - dt.timedelta(days=400)},{today - dt.timedelta(days=200)},2024\n"
        "1009,101,2024-09-01,,2025\n",
    )  # student 1009 has no registry record, so no fact
    _send(partner, tmp_path, PROGRAMS,
          f"Participant,Program,Began,Ended\nP-1,tutoring,{today - dt.timedelta(days=30)},\n")  # fmt: skip
    _person("HP-A", (district, "1001"), (partner, "P-1"))
    _person("HP-B", (district, "1002"))
    return {"district": district, "school": school, "partner": partner, "today": today}


def test_refresh_builds_records_schools_and_programs(world: dict[str, Any]) -> None:
    with watching() as watch:
        counts = do_refresh_population()
    assert watch.reads >= 2 and watch.violations == []  # it read the data plane, under system_read
    assert counts == {"record": 3, "school": 2, "program": 1}
    facts = {
        (f.hub_person_id, f.kind, f.organization.slug, f.value, f.ends) for f in PopulationFact.objects.all()
    }
    today = world["today"]
    assert facts == {
        ("HP-A", "record", "riverbend", "1001", None),
        ("HP-A", "record", "bright-futures", "P-1", None),
        ("HP-B", "record", "riverbend", "1002", None),
        ("HP-A", "school", "northside", "", None),
        ("HP-B", "school", "northside", "", today - dt.timedelta(days=200)),
        ("HP-A", "program", "bright-futures", "tutoring", None),
    }
    assert AuditEvent.objects.filter(action="gate.system_read", summary__contains="population index").exists()
    assert AuditEvent.objects.filter(action="governance.refresh_population").count() == 1


def test_the_gate_answers_from_the_refreshed_index(world: dict[str, Any]) -> None:
    do_refresh_population()
    make_agreement(basis="school_official", purpose="school_official", disclosing=[world["district"]],
                   recipients=[world["partner"]], roles=["case_manager"], elements=["enrollment.grade_level"],
                   population="schools", schools=[world["school"]])  # fmt: skip
    decision = gate.authorize(staff("case_manager", world["partner"]), "school_official", ["HP-A", "HP-B"],
                              ["enrollment.grade_level"])  # fmt: skip
    assert decision.allows("HP-A", "enrollment.grade_level")  # enrolled at Northside now
    assert decision.subjects["HP-B"].denied == {
        "enrollment.grade_level": "not_in_population"
    }  # left last year


def test_refreshing_some_people_leaves_the_others(world: dict[str, Any]) -> None:
    do_refresh_population()
    PopulationFact.objects.create(
        hub_person_id="HP-OTHER", kind="record", organization=world["district"], value="7"
    )
    do_refresh_population(hub_ids=["HP-B"])
    assert PopulationFact.objects.filter(hub_person_id="HP-OTHER").count() == 1
    assert PopulationFact.objects.filter(hub_person_id="HP-B").count() == 2


def test_the_index_knows_when_it_is_stale(world: dict[str, Any]) -> None:
    assert is_stale()  # never built
    do_refresh_population()
    assert not is_stale()
    linkage.LinkRun.objects.create(
        kind="full", started_at=timezone.now(), finished_at=timezone.now(), upper=0.9, lower=0.5
    )
    assert is_stale()  # the registry may have changed since
