"""Ed-Fi records about what happens to students → canonical rows: attendance events, discipline actions,
program participation, grades and transcripts (assessments are in :mod:`.edfi_assessments`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .edfi_state import ATTENDANCE, DATE, SCHOOL_PATH, EdfiState, parse_date, text
from .values import descriptor_value, parse_float, parse_school_year


def attendance(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentSchoolAttendanceEvent → attendance_event."""
    sid = state.student(el, file)
    date = state.value(el, file, "AttendanceEvent/EventDate", parse_date, DATE, "EventDate", required=True)
    raw = text(
        el,
        "AttendanceEvent/AttendanceEventCategory",
        "AttendanceEvent/AttendanceEventCategoryDescriptor",
        "AttendanceEventCategoryDescriptor",
        "AttendanceEventCategory",
    )
    category = None
    if raw is None:
        state.result.error(
            "missing-value",
            file,
            state.line_of(el),
            f"{el.tag}/AttendanceEvent/AttendanceEventCategory",
            None,
            "an attendance event category descriptor",
        )
    else:
        category = ATTENDANCE.get(state.parsed(descriptor_value, raw).lower())
        if category is None:
            category = "other"
            state.result.warning(
                "unknown-descriptor",
                file,
                state.line_of(el),
                "AttendanceEventCategory",
                raw,
                "In Attendance, Excused Absence, Unexcused Absence, Tardy, Partial or "
                "Early departure (kept as other)",
            )
    if sid is None:
        return
    state.add(
        "attendance_event",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "school_id": text(el, SCHOOL_PATH, "SchoolReference/SchoolId"),
            "school_year": state.value(
                el,
                file,
                "SessionReference/SessionIdentity/SchoolYear",
                parse_school_year,
                "a school year such as 2022 or 2021-2022",
                "SessionReference/SchoolYear",
                "SchoolYear",
            ),
            "date": date,
            "category": category,
            "category_raw": descriptor_value(raw) if raw else None,
            "duration": state.value(
                el, file, "AttendanceEvent/EventDuration", parse_float, "a number of days", "EventDuration"
            ),
        },
    )


def discipline_action(state: EdfiState, el: ET.Element, file: str) -> None:
    """DisciplineAction → discipline_action."""
    sid = state.student(el, file)
    kinds = [
        descriptor_value(d.text)
        for d in el.iter()
        if d.tag in ("DisciplineDescriptor", "Discipline") and d.text and d.text.strip()
    ]
    if sid is None:
        return
    state.add(
        "discipline_action",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "school_id": text(
                el,
                "ResponsibilitySchoolReference/SchoolIdentity/SchoolId",
                "ResponsibilitySchoolReference/SchoolId",
                "AssignmentSchoolReference/SchoolIdentity/SchoolId",
            ),
            "action_id": text(el, "DisciplineActionIdentifier"),
            "date": state.value(el, file, "DisciplineDate", parse_date, DATE, required=True),
            "action_type": "; ".join(kinds) or None,
            "days_removed": state.value(
                el,
                file,
                "ActualDisciplineActionLength",
                parse_float,
                "a number of days",
                "DisciplineActionLength",
            ),
        },
    )


def program(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentProgramAssociation and subtypes → program_participation."""
    sid = state.student(el, file)
    name = text(
        el, "ProgramReference/ProgramIdentity/ProgramName", "ProgramReference/ProgramName", ".//ProgramName"
    )
    ptype = text(
        el,
        "ProgramReference/ProgramIdentity/ProgramTypeDescriptor",
        ".//ProgramTypeDescriptor",
        ".//ProgramType",
    )
    subtype = el.tag.removeprefix("Student").removesuffix("ProgramAssociation") or None
    if name is None:
        state.result.error(
            "missing-value",
            file,
            state.line_of(el),
            f"{el.tag}/ProgramReference/ProgramIdentity/ProgramName",
            None,
            "a ProgramName in the ProgramReference",
        )
    if sid is None or name is None:
        return
    state.add(
        "program_participation",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "org_id": text(
                el,
                "EducationOrganizationReference/EducationOrganizationIdentity/EducationOrganizationId",
                "EducationOrganizationReference/EducationOrganizationId",
                ".//EducationOrganizationId",
            ),
            "program": name,
            "program_type": descriptor_value(ptype) if ptype else subtype,
            "begin_date": state.value(el, file, "BeginDate", parse_date, DATE, required=True),
            "end_date": state.value(el, file, "EndDate", parse_date, DATE),
        },
    )


def grade(state: EdfiState, el: ET.Element, file: str) -> None:
    """Grade (a grading-period or final grade of a section) → course_grade."""
    sid = state.student(el, file)
    if sid is None:
        return
    gtype = text(el, "GradeTypeDescriptor", "GradeType")
    state.add(
        "course_grade",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "school_id": text(el, ".//SchoolId"),
            "course_code": text(el, ".//LocalCourseCode"),
            "section_id": text(el, ".//SectionIdentifier"),
            "term": text(el, ".//SessionName"),
            "school_year": state.value(el, file, ".//SchoolYear", parse_school_year, "a school year"),
            "grade_type": descriptor_value(gtype) if gtype else None,
            "numeric_grade": state.value(el, file, "NumericGradeEarned", parse_float, "a numeric grade"),
            "letter_grade": text(el, "LetterGradeEarned"),
        },
    )


def transcript(state: EdfiState, el: ET.Element, file: str) -> None:
    """CourseTranscript → course_grade (final grade with credits)."""
    sid = state.student(el, file)
    if sid is None:
        return
    term = text(el, ".//TermDescriptor", ".//Term")
    state.add(
        "course_grade",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "school_id": text(el, ".//SchoolId"),
            "course_code": text(el, ".//CourseCode"),
            "term": descriptor_value(term) if term else None,
            "school_year": state.value(el, file, ".//SchoolYear", parse_school_year, "a school year"),
            "grade_type": "Final",
            "letter_grade": text(el, "FinalLetterGradeEarned"),
            "numeric_grade": state.value(el, file, "FinalNumericGradeEarned", parse_float, "a numeric grade"),
            "credits_attempted": state.value(
                el, file, "AttemptedCredits/Credits", parse_float, "a number of credits"
            ),
            "credits_earned": state.value(
                el, file, "EarnedCredits/Credits", parse_float, "a number of credits"
            ),
        },
    )
