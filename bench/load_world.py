"""The load benchmark's community: a district whose school records go through ingest, and an after-school program
serving ``students`` of its students under a consent agreement (the action-list tests' world, scaled up).

- A district with three schools and ``students + students // 5`` students (a fifth are in no program: they must
  never reach the list), an after-school partner, a FERPA course, and the partner's case manager (current
  training, a password to sign in with).
- A consent agreement (direct services) from the district to the partner for names, enrollment, attendance,
  discipline and course grades — not assessments, so that column is "restricted" for everyone.
- Families' consents: 9 in 10 of the program's students for everything the agreement covers, 1 in 20 for
  attendance only, the rest none (their rows show names from the program's own roster and "restricted").
- Ingested through ``do_ingest`` like any partner's files: person, enrollment, about a dozen attendance events
  per student over the last four months, four course grades, some discipline actions, one assessment; and the
  partner's own roster.  The population index is written directly (records and program spells).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

PASSWORD = "bench-load-password-1"  # noqa: S105 - a throwaway hub in a temporary folder
USERNAME = "case-manager"
NAMES = ["person.first_name", "person.last_name", "person.school_id", "person.grade_level"]
COVERED = [
    *NAMES,
    "enrollment.school_id", "enrollment.entry_date", "enrollment.exit_date",
    "attendance_event.date", "attendance_event.category", "attendance_event.duration",
    "discipline_action.date", "discipline_action.action_type",
    "course_grade.course_code", "course_grade.term", "course_grade.numeric_grade", "course_grade.letter_grade",
]  # fmt: skip
ATTENDANCE = [*NAMES, *COVERED[4:10]]


def _weekdays(today: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _ingest(org: Any, folder: Path, table: str, columns: dict[str, str], rows: list[list[Any]]) -> None:
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import mapping_from_dict

    path = folder / f"{org.slug}-{table}.csv"
    lines = [",".join(["Student", *columns.values()])]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dates = {k: ["%Y-%m-%d"] for k in columns if k.endswith("date") or k == "date"}
    mapping = mapping_from_dict(
        {"table": table, "id_column": "Student", "columns": columns, "date_formats": dates}
    )
    sub = do_ingest(acting_user=None, organization=org, fmt="tabular", paths=[path], mapping=mapping)
    if sub.status != "accepted":
        raise RuntimeError(f"the benchmark's {table} file was not accepted: {sub.report}")


def build(folder: Path, students: int, seed: int = 7) -> dict[str, Any]:
    """Write the community; return its size (``program`` students served, ``district`` students in all)."""
    from django.utils import timezone

    from commonground.ecosystem.models import Organization
    from commonground.governance.models import Agreement, AgreementParty, Consent, PopulationFact
    from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User

    rng = random.Random(seed)
    now, today = timezone.now(), timezone.localdate()
    district = Organization.objects.create(slug="riverbend", name="Riverbend Schools", kind="district")
    for n in (1, 2, 3):  # the files name schools by these ids (``external_id``)
        Organization.objects.create(slug=f"school-{n}", name=f"School {n}", kind="school", external_id=str(100 + n),
                                    parent=district)  # fmt: skip
    partner = Organization.objects.create(slug="bright-futures", name="Bright Futures", kind="nonprofit")
    course = TrainingCourse.objects.create(slug="ferpa", name="FERPA basics")
    agreement = Agreement.objects.create(
        reference="DSA-LOAD", title="After-school consent agreement", status="active", legal_basis="consent",
        purpose_category="direct_services", purpose="Follow up on absences and grades.", elements=COVERED,
        recipient_roles=["case_manager"], population_kind="program", population_program_organization=partner,
        starts_on=today - dt.timedelta(days=300), ends_on=today + dt.timedelta(days=300),
        activated_at=now - dt.timedelta(days=200),
    )  # fmt: skip
    AgreementParty.objects.create(agreement=agreement, organization=district, role="disclosing")
    AgreementParty.objects.create(agreement=agreement, organization=partner, role="recipient")
    agreement.required_training.set([course])
    user = User.objects.create_user(username=USERNAME, password=PASSWORD)
    Membership.objects.create(user=user, organization=partner, role="case_manager",
                              starts_on=today - dt.timedelta(days=300))  # fmt: skip
    TrainingRecord.objects.create(user=user, course=course, completed_on=today - dt.timedelta(days=10),
                                  expires_on=today + dt.timedelta(days=300))  # fmt: skip

    everyone = students + students // 5
    facts, consents = [], []
    for i in range(everyone):
        hub = f"HP-{i:06d}"
        facts.append(PopulationFact(hub_person_id=hub, kind="record", organization=district, value=f"S{i}"))
        if i < students:
            facts += [
                PopulationFact(hub_person_id=hub, kind="record", organization=partner, value=f"P{i}"),
                PopulationFact(hub_person_id=hub, kind="program", organization=partner,
                               begins=today - dt.timedelta(days=200)),
            ]  # fmt: skip
            if i % 20 < 19:  # 18 in 20 consent to everything, 1 in 20 to attendance only, 1 in 20 to nothing
                consents.append(
                    Consent(source_organization=partner, collected_by=partner, source_person_id=f"P{i}",
                            student_name=f"Student {i}", hub_person_id=hub, signer_name="A Parent",
                            relationship="parent", elements=COVERED if i % 20 < 18 else ATTENDANCE,
                            purpose="Follow up on absences.", purpose_category="direct_services",
                            signed_on=today - dt.timedelta(days=30), signature_method="paper", form_reference="b")
                )  # fmt: skip
    PopulationFact.objects.bulk_create(facts, batch_size=2000)
    created = Consent.objects.bulk_create(consents, batch_size=2000)
    Consent.recipients.through.objects.bulk_create(
        [Consent.recipients.through(consent_id=c.pk, organization_id=partner.pk) for c in created],
        batch_size=2000,
    )

    days = _weekdays(today, 85)
    firsts = ["Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena"]
    lasts = [
        "Alvarez",
        "Bell",
        "Cole",
        "Diaz",
        "Evans",
        "Fox",
        "Green",
        "Hill",
        "Ito",
        "Jones",
        "Khan",
        "Lee",
    ]
    person, enrollment, events, grades, discipline, assessments = [], [], [], [], [], []
    for i in range(everyone):
        sid, school = f"S{i}", str(101 + i % 3)
        person.append([sid, rng.choice(firsts), rng.choice(lasts), school, str(6 + i % 3)])
        enrollment.append([sid, school, days[-1].isoformat()])
        missed = rng.choice([1, 2, 3, 5, 8, 12, 16])
        for day in rng.sample(days, missed):
            events.append(
                [sid, school, day.isoformat(), rng.choice(["excused", "unexcused", "unexcused", "tardy"])]
            )
        for subject in ("MATH", "ELA", "SCI", "SOC"):
            score = max(30, min(100, int(rng.gauss(78, 12))))
            grades.append(
                [
                    sid,
                    f"{subject}-{6 + i % 3}",
                    "Fall",
                    score,
                    "F" if score < 65 else "C" if score < 80 else "B",
                ]
            )
        if i % 8 == 0:
            kind = "Out-of-school suspension" if i % 24 == 0 else "Detention"
            discipline.append([sid, f"D{i}", rng.choice(days).isoformat(), kind])
        assessments.append(
            [sid, f"T{i}", rng.choice(days).isoformat(), "Reading", rng.choice(["Basic", "Proficient"])]
        )
    _ingest(district, folder, "person", {"first_name": "First", "last_name": "Last", "school_id": "School",
                                         "grade_level": "Grade"}, person)  # fmt: skip
    _ingest(district, folder, "enrollment", {"school_id": "School", "entry_date": "Entry"}, enrollment)
    _ingest(
        district,
        folder,
        "attendance_event",
        {"school_id": "School", "date": "Day", "category": "Code"},
        events,
    )
    _ingest(district, folder, "course_grade", {"course_code": "Course", "term": "Term", "numeric_grade": "Score",
                                               "letter_grade": "Letter"}, grades)  # fmt: skip
    _ingest(district, folder, "discipline_action", {"action_id": "Action", "date": "Day", "action_type": "Type"},
            discipline)  # fmt: skip
    _ingest(district, folder, "assessment_result", {"assessment_id": "Test", "date": "Day", "subject": "Subject",
                                                    "performance_level": "Level"}, assessments)  # fmt: skip
    _ingest(partner, folder, "person", {"first_name": "First", "last_name": "Last"},
            [[f"P{i}", p[1], p[2]] for i, p in enumerate(person[:students])])  # fmt: skip
    return {"program": students, "district": everyone, "consents": len(consents), "events": len(events)}
