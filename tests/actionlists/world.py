"""A small community for action-list tests: a district that sends school records, an after-school partner whose
coordinator serves three students (one consented to everything, one to attendance only, one not at all), and a
student of another program who must never appear.  Dates are weekdays counted back from today, so "recent" means
the same thing whenever the tests run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance.models import Agreement
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import mapping_from_dict
from commonground.people.models import User
from tests.factories import OrganizationFactory, TrainingCourseFactory
from tests.governance.gate_world import consents, holds_record, make_agreement, staff, takes_part

TODAY = timezone.localdate()
NAMES = ["person.first_name", "person.last_name", "person.school_id"]
ATTENDANCE = ["attendance_event.date", "attendance_event.category", "enrollment.entry_date", "enrollment.exit_date",
              "enrollment.school_id"]  # fmt: skip
GRADES = [
    "course_grade.course_code",
    "course_grade.term",
    "course_grade.numeric_grade",
    "course_grade.letter_grade",
]
DISCIPLINE = ["discipline_action.date", "discipline_action.action_type"]
COVERED = [*NAMES, *ATTENDANCE, *GRADES, *DISCIPLINE]  # assessments are not covered: always "restricted"


def weekday(back: int) -> dt.date:
    """The ``back``-th weekday before today (1 = the last weekday before today)."""
    day, left = TODAY, back
    while left:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


ENTRY = weekday(60)
#: Student 1001's absences: two in the last 30 days, one older; a tardy that is not an absence.
ABSENCES = [weekday(3), weekday(12), weekday(40)]
TARDY = weekday(5)
#: Student 1002 missed the last seven school days: chronically absent (7 of about 60 enrolled days).
BELL_ABSENCES = [weekday(n) for n in range(1, 8)]


def _ingest(
    org: Organization, folder: Path, table: str, columns: dict[str, str], rows: list[list[Any]]
) -> None:
    header = ["Student", *columns.values()]
    path = folder / f"{org.slug}-{table}.csv"
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dates = {k: ["%Y-%m-%d"] for k in columns if k.endswith("date") or k == "date"}
    mapping = mapping_from_dict(
        {"table": table, "id_column": "Student", "columns": columns, "date_formats": dates}
    )
    sub = do_ingest(acting_user=None, organization=org, fmt="tabular", paths=[path], mapping=mapping)
    assert sub.status == "accepted", sub.report


@dataclass
class World:
    """The organizations, agreement and people of the community."""

    district: Organization
    partner: Organization
    other: Organization
    agreement: Agreement
    coordinator: User
    lapsed: User
    outsider: User


def build(folder: Path) -> World:
    """Create the community and send the district's and the partner's files through ingest."""
    district = OrganizationFactory(slug="riverbend", kind="district", name="Riverbend Schools")
    OrganizationFactory(
        slug="lincoln", kind="school", name="Lincoln Elementary", external_id="101", parent=district
    )
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit", name="Bright Futures")
    other = OrganizationFactory(slug="other-program", kind="nonprofit", name="Other Program")
    ferpa = TrainingCourseFactory()
    agreement = make_agreement(
        basis="consent", purpose="direct_services", disclosing=[district], recipients=[partner],
        roles=["case_manager"], elements=COVERED, population="program", program_org=partner,
        training=[ferpa], reference="DSA-LIST",
    )  # fmt: skip
    for hub_id, person_id, program in (("HP-A", "1001", partner), ("HP-B", "1002", partner),
                                       ("HP-C", "1003", partner), ("HP-D", "1004", other)):  # fmt: skip
        holds_record(hub_id, district, person_id)
        takes_part(hub_id, program)
    # The other program has its own agreement, which requires training its case manager let lapse.
    make_agreement(
        basis="school_official", purpose="school_official", disclosing=[district], recipients=[other],
        roles=["case_manager"], elements=COVERED, population="program", program_org=other, training=[ferpa],
    )  # fmt: skip
    holds_record("HP-A", partner, "P-1")
    holds_record("HP-C", partner, "P-3")
    consents("HP-A", partner, COVERED)
    consents("HP-B", partner, [*NAMES, *ATTENDANCE])
    _ingest(district, folder, "person", {"first_name": "First", "last_name": "Last", "school_id": "School"},
            [["1001", "Ana", "Alvarez", "101"], ["1002", "=2+3", "Bell", "101"], ["1003", "Cara", "Cole", "101"],
             ["1004", "Dan", "Diaz", "101"]])  # fmt: skip
    _ingest(district, folder, "enrollment", {"school_id": "School", "entry_date": "Entry"},
            [[p, "101", ENTRY.isoformat()] for p in ("1001", "1002", "1003", "1004")])  # fmt: skip
    _ingest(district, folder, "attendance_event", {"school_id": "School", "date": "Day", "category": "Code"},
            [*(["1001", "101", d.isoformat(), "unexcused"] for d in ABSENCES), ["1001", "101", TARDY.isoformat(), "tardy"],
             *(["1002", "101", d.isoformat(), "excused"] for d in BELL_ABSENCES),
             ["1003", "101", weekday(2).isoformat(), "excused"], ["1004", "101", weekday(2).isoformat(), "excused"]])  # fmt: skip
    _ingest(district, folder, "course_grade", {"course_code": "Course", "term": "Term", "numeric_grade": "Score",
                                              "letter_grade": "Letter"},
            [["1001", "MATH-5", "Fall", 58, "F"], ["1001", "ELA-5", "Fall", 81, "B"], ["1002", "MATH-5", "Fall", 40, "F"]])  # fmt: skip
    _ingest(district, folder, "discipline_action", {"action_id": "Action", "date": "Day", "action_type": "Type"},
            [["1001", "X1", weekday(20).isoformat(), "Out-of-school suspension"]])  # fmt: skip
    _ingest(district, folder, "assessment_result", {"assessment_id": "Test", "date": "Day", "subject": "Subject",
                                                   "performance_level": "Level"},
            [["1001", "T1", weekday(30).isoformat(), "Reading", "Basic"]])  # fmt: skip
    _ingest(partner, folder, "person", {"first_name": "First", "last_name": "Last"},
            [["P-1", "Ana", "Alvarez"], ["P-3", "Cara", "Cole"]])  # fmt: skip
    return World(
        district=district,
        partner=partner,
        other=other,
        agreement=agreement,
        coordinator=staff("case_manager", partner, [ferpa]),
        lapsed=staff("case_manager", other, [ferpa], lapsed=True),
        outsider=staff("case_manager", OrganizationFactory(slug="unrelated", kind="nonprofit")),
    )
