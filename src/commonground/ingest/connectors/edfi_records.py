"""Mapping of Ed-Fi 5.x XML records (one element each) to canonical rows.

Element names follow the Ed-Fi Data Standard 5.x interchange schemas; where 5.x spellings vary (for example
``AttendanceEventCategory`` vs ``AttendanceEventCategoryDescriptor``, identity-wrapped or flat references) each
alternative is tried. Descriptors are reduced to their code value (the URI fragment).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import canonical
from .report import ParseResult
from .values import descriptor_value, parse_float, parse_grade, parse_iso_date, parse_school_year, parse_sex

T = TypeVar("T")
LINE_ATTR = "_line"

ATTENDANCE = {
    "in attendance": "in_attendance",
    "present": "in_attendance",
    "excused absence": "excused",
    "excused": "excused",
    "unexcused absence": "unexcused",
    "unexcused": "unexcused",
    "tardy": "tardy",
    "partial": "partial",
    "early departure": "partial",
}
INSTRUCTIONAL = {"instructional day", "make-up day", "student late arrival/early dismissal"}
EDORG_IDS = {
    "School": "SchoolId",
    "LocalEducationAgency": "LocalEducationAgencyId",
    "StateEducationAgency": "StateEducationAgencyId",
    "EducationServiceCenter": "EducationServiceCenterId",
    "CommunityOrganization": "CommunityOrganizationId",
    "CommunityProvider": "CommunityProviderId",
    "PostSecondaryInstitution": "PostSecondaryInstitutionId",
    "OrganizationDepartment": "OrganizationDepartmentId",
}
STUDENT_PATH = "StudentReference/StudentIdentity/StudentUniqueId"
SCHOOL_PATH = "SchoolReference/SchoolIdentity/SchoolId"


def _line(el: ET.Element) -> int:
    return int(el.get(LINE_ATTR, "0"))


def find(el: ET.Element, *paths: str) -> ET.Element | None:
    """The first element found by any of the paths (``.//X`` for a descendant)."""
    for path in paths:
        found = el.find(path)
        if found is not None:
            return found
    return None


def text(el: ET.Element, *paths: str) -> str | None:
    """Stripped text of the first element found by any path, or None when absent or empty."""
    found = find(el, *paths)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


@dataclass
class EdfiState:
    """Builders and lookups shared by all files of one submission."""

    source_org: str
    result: ParseResult
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)
    org_names: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    builders: dict[str, canonical.TableBuilder] = field(default_factory=dict)

    def check_root(self, local: str, namespace: str, file: str, line: int) -> None:
        """The root must be an Ed-Fi interchange in an ed-fi.org namespace."""
        if not namespace.startswith("http://ed-fi.org/"):
            self.result.warning(
                "unknown-namespace",
                file,
                line,
                local,
                namespace or "(none)",
                "the Ed-Fi namespace http://ed-fi.org/<version> (read anyway)",
            )
        elif not namespace.removeprefix("http://ed-fi.org/").lstrip("0").startswith("5"):
            self.result.warning(
                "unsupported-version", file, line, local, namespace, "Ed-Fi Data Standard 5.x (read anyway)"
            )
        if not local.startswith("Interchange"):
            self.result.warning(
                "unknown-interchange", file, line, local, local, "an Interchange… root element (read anyway)"
            )

    def base(self, el: ET.Element, file: str) -> dict[str, Any]:
        """Provenance columns and the source organization."""
        return {"source_org": self.source_org, "source_file": file, "source_line": _line(el)}

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Append a row to a canonical table."""
        self.builders.setdefault(table, canonical.TableBuilder(table)).append(row)

    def value(
        self,
        el: ET.Element,
        file: str,
        path: str,
        parser: Callable[[str], T],
        expected: str,
        *alternatives: str,
        required: bool = False,
    ) -> T | None:
        """Parse an element's text; bad values and missing required ones are errors at the element's line."""
        found = find(el, path, *alternatives)
        raw = found.text.strip() if found is not None and found.text else ""
        if not raw:
            if required:
                self.result.error("missing-value", file, _line(el), f"{el.tag}/{path}", None, expected)
            return None
        try:
            return parser(raw)
        except ValueError:
            code = "bad-date" if "date" in expected else "bad-value"
            assert found is not None  # noqa: S101 - raw is non-empty only when found
            self.result.error(code, file, _line(found), f"{el.tag}/{path}", raw, expected)
            return None

    def student(self, el: ET.Element, file: str) -> str | None:
        """The StudentUniqueId a record refers to (an error when missing)."""
        sid = text(el, STUDENT_PATH, "StudentReference/StudentUniqueId", ".//StudentUniqueId")
        if sid is None:
            self.result.error(
                "missing-value",
                file,
                _line(el),
                f"{el.tag}/{STUDENT_PATH}",
                None,
                "a StudentUniqueId in the StudentReference",
            )
        return sid

    def finish(self) -> None:
        """Merge contact data into people, resolve names, and build the tables."""
        for sid, contact in self.contacts.items():
            person = self.people.get(sid)
            if person is not None:
                for key, val in contact.items():
                    if person.get(key) is None:
                        person[key] = val
        if self.people:
            self.builders.setdefault("person", canonical.TableBuilder("person")).extend(self.people.values())
        for row in self.rows.get("school", []):
            row["district"] = (
                self.org_names.get(row["district"], row["district"]) if row["district"] else None
            )
        for row in self.rows.get("assessment_result", []):
            row["subject"] = self.subjects.get(row.pop("_assessment_key"))
        for name, rows in self.rows.items():
            self.builders.setdefault(name, canonical.TableBuilder(name)).extend(rows)
        for name, builder in self.builders.items():
            self.result.tables[name] = builder.finish()
        for tag, count in sorted(self.ignored.items()):
            self.result.notes.append(f"ignored {count} <{tag}> record(s): not part of the canonical model")
        self.result.source_columns.update(_SOURCE_COLUMNS)


_SOURCE_COLUMNS = {
    table: {"source_person_id": STUDENT_PATH, "school_id": SCHOOL_PATH}
    for table in (
        "enrollment",
        "attendance_event",
        "discipline_action",
        "course_grade",
        "assessment_result",
        "program_participation",
    )
}
_SOURCE_COLUMNS["person"] = {
    "source_person_id": "Student/StudentUniqueId",
    "birth_date": "BirthData/BirthDate",
}

DATE = "a date as YYYY-MM-DD"


def _date(text_value: str) -> dt.date:
    return parse_iso_date(text_value[:10] if "T" in text_value else text_value)


def student(state: EdfiState, el: ET.Element, file: str) -> None:
    """Student → person."""
    sid = text(el, "StudentUniqueId")
    if sid is None:
        state.result.error(
            "missing-value", file, _line(el), "Student/StudentUniqueId", None, "a StudentUniqueId"
        )
        return
    if sid in state.people:
        prior = state.people[sid]
        state.result.error(
            "duplicate-key",
            file,
            _line(el),
            "Student/StudentUniqueId",
            sid,
            f"each student once; already on line {prior['source_line']} of {prior['source_file']}",
        )
        return
    sex = state.value(
        el,
        file,
        "BirthData/BirthSexDescriptor",
        parse_sex,
        "a sex descriptor (Female, Male…)",
        "BirthSexDescriptor",
        "BirthData/BirthSex",
        "BirthSex",
    )
    state.people[sid] = {
        **state.base(el, file),
        "source_person_id": sid,
        "first_name": text(el, "Name/FirstName", "FirstName"),
        "middle_name": text(el, "Name/MiddleName", "MiddleName"),
        "last_name": text(el, "Name/LastSurname", "LastSurname"),
        "generation_suffix": text(el, "Name/GenerationCodeSuffix", "GenerationCodeSuffix"),
        "preferred_first_name": text(el, "Name/PreferredFirstName", "PreferredFirstName"),
        "preferred_last_name": text(el, "Name/PreferredLastSurname", "PreferredLastSurname"),
        "birth_date": state.value(el, file, "BirthData/BirthDate", _date, DATE, "BirthDate"),
        "sex": sex,
    }


def student_edorg(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentEducationOrganizationAssociation → sex, address, phone, email merged into the person."""
    sid = state.student(el, file)
    if sid is None:
        return
    street = text(el, "Address/StreetNumberName")
    apt = text(el, "Address/ApartmentRoomSuiteNumber")
    state.contacts[sid] = {
        "sex": state.value(el, file, "SexDescriptor", parse_sex, "a sex descriptor", "Sex"),
        "address": " ".join(x for x in (street, apt) if x) or None,
        "city": text(el, "Address/City"),
        "state": (lambda s: descriptor_value(s) if s else None)(
            text(el, "Address/StateAbbreviationDescriptor", "Address/StateAbbreviation")
        ),
        "postal_code": text(el, "Address/PostalCode"),
        "phone": text(
            el,
            "Telephone/TelephoneNumber",
            "StudentEducationOrganizationAssociationTelephone/TelephoneNumber",
        ),
        "email": text(el, "ElectronicMail/ElectronicMailAddress"),
    }


def school_association(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentSchoolAssociation → enrollment."""
    sid = state.student(el, file)
    entry = state.value(el, file, "EntryDate", _date, DATE, required=True)
    year = state.value(
        el,
        file,
        "SchoolYearTypeReference/SchoolYear",
        parse_school_year,
        "a school year such as 2022 or 2021-2022",
        "SchoolYear",
    )
    if year is None and entry is not None:
        year = entry.year + 1 if entry.month >= 7 else entry.year
    grade = state.value(
        el, file, "EntryGradeLevelDescriptor", parse_grade, "a grade level descriptor", "EntryGradeLevel"
    )
    if sid is None:
        return
    state.add(
        "enrollment",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "school_id": text(el, SCHOOL_PATH, "SchoolReference/SchoolId"),
            "school_year": year,
            "entry_date": entry,
            "exit_date": state.value(el, file, "ExitWithdrawDate", _date, DATE),
            "grade_level": grade,
        },
    )


def attendance(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentSchoolAttendanceEvent → attendance_event."""
    sid = state.student(el, file)
    date = state.value(el, file, "AttendanceEvent/EventDate", _date, DATE, "EventDate", required=True)
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
            _line(el),
            f"{el.tag}/AttendanceEvent/AttendanceEventCategory",
            None,
            "an attendance event category descriptor",
        )
    else:
        category = ATTENDANCE.get(descriptor_value(raw).lower())
        if category is None:
            category = "other"
            state.result.warning(
                "unknown-descriptor",
                file,
                _line(el),
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
            "date": state.value(el, file, "DisciplineDate", _date, DATE, required=True),
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
            _line(el),
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
            "begin_date": state.value(el, file, "BeginDate", _date, DATE, required=True),
            "end_date": state.value(el, file, "EndDate", _date, DATE),
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


def assessment(state: EdfiState, el: ET.Element, file: str) -> None:
    """Assessment (metadata) → the subject of its results."""
    ident = text(el, "AssessmentIdentifier")
    subject = text(el, ".//AcademicSubjectDescriptor", ".//AcademicSubject")
    if ident and subject:
        state.subjects[ident] = descriptor_value(subject)


def student_assessment(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentAssessment → assessment_result (scale score and performance level)."""
    sid = state.student(el, file)
    ident = text(el, ".//AssessmentIdentifier")
    scale = level = None
    for score in el.iter("ScoreResult"):
        method = text(score, "AssessmentReportingMethodDescriptor", "AssessmentReportingMethod") or ""
        if "scale" in method.lower():
            scale = state.value(score, file, "Result", parse_float, "a numeric scale score")
    for perf in el.iter("PerformanceLevel"):
        met = (text(perf, "PerformanceLevelMet") or "true").lower()
        value = text(perf, "PerformanceLevelDescriptor", "PerformanceLevel")
        if value and met in ("true", "1"):
            level = descriptor_value(value)
    if sid is None:
        return
    grade_text = text(el, "WhenAssessedGradeLevelDescriptor", "WhenAssessedGradeLevel")
    state.rows.setdefault("assessment_result", []).append(
        {
            **state.base(el, file),
            "source_person_id": sid,
            "assessment_id": ident,
            "date": state.value(el, file, "AdministrationDate", _date, DATE, required=True),
            "grade_level": state.value(
                el,
                file,
                "WhenAssessedGradeLevelDescriptor",
                parse_grade,
                "a grade level",
                "WhenAssessedGradeLevel",
            )
            if grade_text
            else None,
            "scale_score": scale,
            "performance_level": level,
            "_assessment_key": ident,
        }
    )


def education_organization(state: EdfiState, el: ET.Element, file: str) -> None:
    """School, LEA, community organization/provider… → organization (and school)."""
    id_tag = EDORG_IDS[el.tag]
    org_id = text(el, id_tag)
    if org_id is None:
        state.result.error("missing-value", file, _line(el), f"{el.tag}/{id_tag}", None, f"a {id_tag}")
        return
    name = text(el, "NameOfInstitution")
    state.org_names[org_id] = name or org_id
    parent = text(
        el,
        ".//LocalEducationAgencyReference//LocalEducationAgencyId",
        ".//ParentLocalEducationAgencyReference//LocalEducationAgencyId",
        ".//CommunityOrganizationReference//CommunityOrganizationId",
        ".//StateEducationAgencyReference//StateEducationAgencyId",
    )
    base = state.base(el, file)
    state.add(
        "organization",
        {
            **base,
            "org_id": org_id,
            "name": name,
            "org_type": el.tag,
            "parent_org_id": parent,
            "identifier": text(el, ".//IdentificationCode"),
        },
    )
    if el.tag == "School":
        street = text(el, "Address/StreetNumberName", "EducationOrganizationAddress/StreetNumberName")
        state.rows.setdefault("school", []).append(
            {
                **base,
                "school_id": org_id,
                "name": name,
                "district": parent,
                "address": street,
                "city": text(el, "Address/City"),
                "state": (lambda s: descriptor_value(s) if s else None)(
                    text(el, "Address/StateAbbreviationDescriptor", "Address/StateAbbreviation")
                ),
                "postal_code": text(el, "Address/PostalCode"),
                "latitude": state.value(el, file, "Address/Latitude", parse_float, "a decimal latitude"),
                "longitude": state.value(el, file, "Address/Longitude", parse_float, "a decimal longitude"),
            }
        )


def calendar_date(state: EdfiState, el: ET.Element, file: str) -> None:
    """CalendarDate → calendar_date (instructional or not)."""
    events = [
        descriptor_value(e.text)
        for e in el.iter()
        if e.tag in ("CalendarEventDescriptor", "CalendarEvent") and e.text and e.text.strip()
    ]
    state.add(
        "calendar_date",
        {
            **state.base(el, file),
            "school_id": text(el, ".//SchoolId"),
            "calendar_code": text(el, ".//CalendarCode"),
            "school_year": state.value(el, file, ".//SchoolYear", parse_school_year, "a school year"),
            "date": state.value(el, file, "Date", _date, DATE, required=True),
            "instructional": any(e.lower() in INSTRUCTIONAL for e in events),
            "event": "; ".join(events) or None,
        },
    )


Handler = Callable[[EdfiState, ET.Element, str], None]
HANDLERS: dict[str, Handler] = {
    "Student": student,
    "StudentEducationOrganizationAssociation": student_edorg,
    "StudentSchoolAssociation": school_association,
    "StudentSchoolAttendanceEvent": attendance,
    "DisciplineAction": discipline_action,
    "Grade": grade,
    "CourseTranscript": transcript,
    "Assessment": assessment,
    "StudentAssessment": student_assessment,
    "CalendarDate": calendar_date,
    **dict.fromkeys(EDORG_IDS, education_organization),
}


def handler_for(tag: str) -> Handler | None:
    """The mapper of a record element, by local name (any Student…ProgramAssociation is a program)."""
    if tag in HANDLERS:
        return HANDLERS[tag]
    if tag.startswith("Student") and tag.endswith("ProgramAssociation"):
        return program
    return None
