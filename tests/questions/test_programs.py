"""Program participation, dosage, service gaps and the matched comparison, across organizations.

District ``d`` enrolls s1–s7 at school A (s1–s6 grade 05, s7 grade 06), 20 instructional days.
Partner ``p`` knows s1 as ``x1`` and s2 as ``x2``; ``person_link`` maps both to hub IDs. s7 is also a
participant (``x7``). Absences: s1 4 (chronic), s3 2 (chronic, exactly 10%), s4 3 (chronic), others none.
Sex: s1, s2, s3 female; s4, s5, s6, s7 male.

Service contacts: x1 60 + 30 minutes on day 3 and 90 on day 4 → 2 days, 3 hours; x2 45 minutes on day 5 →
1 day, 0.75 hours; x7 60 minutes on day 6 → 1 day, 1 hour.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from commonground.questions.indicators import run_indicator

from .canon import absences, calendar, cells, day, enrollment, people, table

LINK = pa.table({
    "source_org": ["d", "p", "d", "p", "d", "p"],
    "source_person_id": ["s1", "x1", "s2", "x2", "s7", "x7"],
    "hub_person_id": ["H1", "H1", "H2", "H2", "H7", "H7"],
})  # fmt: skip


def world() -> dict[str, pa.Table]:
    """The community above (person_link passed separately)."""
    enr = enrollment([*((f"s{i}", "A", "05", 1, None) for i in range(1, 7)), ("s7", "A", "06", 1, None)])
    att = absences([
        *(("s1", "A", n, "excused", None) for n in (1, 2, 3, 4)),
        ("s3", "A", 5, "excused", None), ("s3", "A", 6, "excused", None),
        *(("s4", "A", n, "unexcused", None) for n in (7, 8, 9)),
    ])  # fmt: skip
    contacts = [("x1", 3, 60.0), ("x1", 3, 30.0), ("x1", 4, 90.0), ("x2", 5, 45.0), ("x7", 6, 60.0)]
    service = table("service_contact", [
        {"source_org": "p", "source_person_id": s, "date": day(n), "minutes": m, "service_type": "tutoring",
         "source_line": i} for i, (s, n, m) in enumerate(contacts)
    ])  # fmt: skip
    sex = [("s1", "female"), ("s2", "female"), ("s3", "female"), ("s4", "male"), ("s5", "male"),
           ("s6", "male"), ("s7", "male")]  # fmt: skip
    return {"enrollment": enr, "calendar_date": calendar(["A"]), "attendance_event": att,
            "service_contact": service, "person": people(sex)}  # fmt: skip


def test_participation_and_dosage_follow_the_hub_identity() -> None:
    result = run_indicator(world(), "program_dosage", ["grade"], person_link=LINK)
    assert cells(result, "participation") == {("All",): (3, 7), ("05",): (2, 6), ("06",): (1, 1)}
    assert cells(result, "service_days") == {("All",): (4, 3), ("05",): (3, 2), ("06",): (1, 1)}
    assert cells(result, "service_hours")[("All",)] == pytest.approx((4.75, 3))


def test_without_the_link_partner_records_match_nobody() -> None:
    result = run_indicator(world(), "program_dosage", [])
    assert cells(result, "participation") == {(): (0, 7)}


def test_program_filter() -> None:
    result = run_indicator(world(), "program_dosage", [], {"program": "mentoring"}, person_link=LINK)
    assert cells(result, "participation") == {(): (0, 7)}


def test_service_gaps_need_against_participation() -> None:
    result = run_indicator(world(), "service_gaps", ["school"], person_link=LINK)
    assert cells(result, "need")[("A",)] == (3, 7)  # s1, s3, s4
    assert cells(result, "need_served")[("A",)] == (1, 3)  # s1 is in a program
    assert cells(result, "participation")[("A",)] == (3, 7)


def test_program_breakdown_on_chronic_absence() -> None:
    result = run_indicator({**world(), "person_link": LINK}, "chronic_absence", ["program"])
    assert cells(result, "chronic_absence") == {
        ("All",): (3, 7), ("participant",): (1, 3), ("non-participant",): (2, 4)
    }  # fmt: skip


def test_matched_comparison_weights_non_participants_within_strata() -> None:
    """Strata (all with no prior year): female grade 05 = s1, s2 participants and s3 → weight 2 for s3;
    male grade 05 = s4, s5, s6 without participants → unused; male grade 06 = s7 alone → unmatched."""
    result = run_indicator(world(), "matched_comparison", ["sex"], person_link=LINK)
    assert cells(result, "participants_matched") == {("All",): (2, 3), ("female",): (2, 2), ("male",): (0, 1)}
    assert cells(result, "participant_attendance_rate")[("All",)] == (36, 40)  # s1 16/20, s2 20/20
    assert cells(result, "comparison_attendance_rate")[("All",)] == (36, 40)  # s3 18/20, weight 2
    assert cells(result, "participant_chronic_absence")[("All",)] == (1, 2)
    assert cells(result, "comparison_chronic_absence")[("All",)] == (2, 2)  # s3 chronic, weight 2


def test_matched_comparison_uses_the_prior_year_band() -> None:
    """A prior year puts s3 (prior attendance below 80%) in another band than s1 and s2 (no prior year)."""
    data = world()
    start = day(1).replace(year=2022)
    data["enrollment"] = pa.concat_tables([data["enrollment"], enrollment([("s3", "A", "04", 1, None)],
                                                                          year=2023, start=start)])  # fmt: skip
    data["calendar_date"] = pa.concat_tables([data["calendar_date"], calendar(["A"], year=2023, start=start)])
    data["attendance_event"] = pa.concat_tables([data["attendance_event"], absences(
        [("s3", "A", n, "excused", None) for n in range(1, 6)], start=start)])  # fmt: skip
    result = run_indicator(data, "matched_comparison", [], {"school_year": 2024}, person_link=LINK)
    assert cells(result, "participants_matched") == {(): (0, 3)}  # nobody left to compare s1 and s2 with
