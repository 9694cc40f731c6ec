"""Reading the data plane through the gate, recording disclosures, and the hub's own jobs (system_read).

The district sends attendance for three students; the after-school partner sends its own attendance for one of
them.  The partner's case manager may see, under the consent agreement, only what each family consented to, only
from the district's rows; reading its own rows back is a different purpose.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from commonground.core.models import AuditEvent
from commonground.governance import gate
from commonground.governance.models import DisclosureRecord
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from tests.factories import OrganizationFactory, TrainingCourseFactory
from tests.governance.gate_world import consents, holds_record, make_agreement, staff, takes_part

pytestmark = pytest.mark.django_db

CATEGORY, DATE = "attendance_event.category", "attendance_event.date"
MAPPING = load_mapping(
    """
table: attendance_event
id_column: Student
columns: {school_id: School, date: Day, category: Code}
value_maps: {category: {A: unexcused, E: excused, P: in_attendance}}
date_formats: {date: ["%m/%d/%Y"]}
"""
)


def _send(org: Any, folder: Path, rows: list[str]) -> None:
    path = folder / f"{org.slug}.csv"
    path.write_text("Student,School,Day,Code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    sub = do_ingest(acting_user=None, organization=org, fmt="tabular", paths=[path], mapping=MAPPING)
    assert sub.status == "accepted", sub.report


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    district = OrganizationFactory(slug="riverbend", kind="district")
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit")
    ferpa = TrainingCourseFactory()
    agreement = make_agreement(
        basis="consent", purpose="direct_services", disclosing=[district], recipients=[partner],
        roles=["case_manager"], elements=[CATEGORY, DATE], population="program", program_org=partner,
        training=[ferpa], reference="DSA-READ",
    )  # fmt: skip
    for hub_id, person_id in (("HP-A", "1001"), ("HP-B", "1002"), ("HP-C", "1003")):
        holds_record(hub_id, district, person_id)
        takes_part(hub_id, partner)
    holds_record("HP-A", partner, "P-1")
    both = consents("HP-A", partner, [CATEGORY, DATE])
    consents("HP-B", partner, [CATEGORY])
    _send(
        district,
        tmp_path,
        ["1001,101,9/2/2025,A", "1001,101,9/3/2025,P", "1002,101,9/2/2025,E", "1003,101,9/2/2025,A"],
    )
    _send(partner, tmp_path, ["P-1,club,9/2/2025,P"])
    return {
        "district": district,
        "partner": partner,
        "agreement": agreement,
        "consent": both,
        "case_manager": staff("case_manager", partner, [ferpa]),
        "lead": staff("data_lead", partner),
    }


def _rows(table: Any) -> list[dict[str, Any]]:
    return sorted(
        table.to_pylist(), key=lambda r: (r["hub_person_id"], str(r.get("date")), str(r.get("category")))
    )


def test_read_returns_only_allowed_students_columns_and_rows(world: dict[str, Any]) -> None:
    decision = gate.authorize(
        world["case_manager"], "direct_services", ["HP-A", "HP-B", "HP-C", "HP-X"], [CATEGORY, DATE]
    )
    with transaction.atomic():
        table = gate.read(decision, "attendance_event", "view", path="/students/")

    assert table.column_names == ["hub_person_id", "date", "category"]
    assert _rows(table) == [
        {"hub_person_id": "HP-A", "date": dt.date(2025, 9, 2), "category": "unexcused"},
        {"hub_person_id": "HP-A", "date": dt.date(2025, 9, 3), "category": "in_attendance"},
        {"hub_person_id": "HP-B", "date": None, "category": "excused"},  # consented to the category only
    ]  # HP-C has no consent; HP-A's own after-school row is not the district's to disclose


def test_read_records_one_disclosure_per_student_returned(world: dict[str, Any]) -> None:
    decision = gate.authorize(
        world["case_manager"], "direct_services", ["HP-A", "HP-B", "HP-C"], [CATEGORY, DATE]
    )
    with transaction.atomic():
        gate.read(decision, "attendance_event", "view", path="/students/")

    records = {r.hub_person_id: r for r in DisclosureRecord.objects.all()}
    assert sorted(records) == ["HP-A", "HP-B"]
    a = records["HP-A"]
    assert (a.recipient_organization, a.recipient_user, a.basis, a.route, a.route_path) == (
        world["partner"],
        world["case_manager"],
        "consent",
        "view",
        "/students/",
    )
    assert (a.agreement, a.agreement_reference, a.consent, a.consent_reference) == (
        world["agreement"],
        "DSA-READ",
        world["consent"],
        str(world["consent"].pk),
    )
    assert a.elements == [DATE, CATEGORY] and records["HP-B"].elements == [CATEGORY]
    assert a.legitimate_interest == "Purpose of a consent agreement." and a.purpose == "direct_services"
    assert a.required_by_law is False  # consent disclosures are exempt (99.32(d)) but recorded all the same


def test_own_records_return_only_the_organizations_own_rows(world: dict[str, Any]) -> None:
    decision = gate.authorize(world["lead"], "own_records", ["HP-A", "HP-B"], [CATEGORY, DATE])
    with transaction.atomic():
        table = gate.read(decision, "attendance_event", "view")

    assert _rows(table) == [
        {"hub_person_id": "HP-A", "date": dt.date(2025, 9, 2), "category": "in_attendance"}
    ]
    assert DisclosureRecord.objects.get().required_by_law is False


def test_disclose_writes_all_records_in_one_insert(world: dict[str, Any]) -> None:
    decision = gate.authorize(
        world["case_manager"], "direct_services", ["HP-A", "HP-B", "HP-C"], [CATEGORY, DATE]
    )
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        written = gate.disclose(decision, "export", path="attendance.csv")

    inserts = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "disclosurerecord" in q["sql"]
    ]
    assert len(inserts) == 1 and len(written) == 2
    assert {r.route for r in DisclosureRecord.objects.all()} == {"export"}


def test_redisclosures_point_at_the_first_disclosure(world: dict[str, Any]) -> None:
    decision = gate.authorize(world["case_manager"], "direct_services", ["HP-A"], [CATEGORY])
    with transaction.atomic():
        (first,) = gate.disclose(decision, "export")
        (again,) = gate.disclose(decision, "api", path="/api/v1/x", redisclosure_of={"HP-A": first.pk})
    assert again.redisclosure_of == first and list(first.redisclosures.all()) == [again]
    with pytest.raises(gate.GateError, match="no earlier disclosure of HP-A"), transaction.atomic():
        gate.disclose(decision, "api", redisclosure_of={"HP-A": first.pk + 1000})


def test_records_outlive_the_agreement(world: dict[str, Any]) -> None:
    decision = gate.authorize(world["case_manager"], "direct_services", ["HP-A"], [CATEGORY])
    with transaction.atomic():
        gate.disclose(decision, "view")
    world["agreement"].delete()
    record = DisclosureRecord.objects.get()
    assert record.agreement is None and record.agreement_reference == "DSA-READ"


def test_unknown_tables_and_routes_are_refused(world: dict[str, Any]) -> None:
    decision = gate.authorize(world["case_manager"], "direct_services", ["HP-A"], [CATEGORY])
    with pytest.raises(gate.GateError, match="unknown canonical table 'grades'"):
        gate.read(decision, "grades", "view")
    with pytest.raises(gate.GateError, match="unknown route 'email'"):
        gate.disclose(decision, "email")


def test_system_read_marks_the_block_and_audits_it(world: dict[str, Any]) -> None:
    assert gate.current_access() is None
    with gate.system_read("indicator refresh", details={"indicator": "chronic absence"}):
        assert gate.current_access() == "system:indicator refresh"
    assert gate.current_access() is None
    event = AuditEvent.objects.filter(action="gate.system_read").latest("seq")
    assert event.summary == "System job read the data plane: indicator refresh"
    assert event.details == {"indicator": "chronic absence"}


@pytest.mark.django_db(transaction=True)
def test_disclose_refuses_to_run_outside_a_transaction() -> None:
    decision = gate.Decision(
        actor_id=None, purpose="direct_services", at=gate.timezone.now(), elements=(), subjects={}
    )
    with pytest.raises(gate.DisclosureOutsideTransactionError):
        gate.disclose(decision, "view")
