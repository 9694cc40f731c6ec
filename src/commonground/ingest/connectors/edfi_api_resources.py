"""Ed-Fi API v7 resources (JSON) → the canonical rows of the XML path, through the same record handlers.

Each JSON resource becomes the element the XML interchange carries for the same record — camelCase keys become
PascalCase children, collections (``addresses``) repeated singular children (``Address``) — and goes to the same
handler in :mod:`.edfi_records`, so both paths share one mapping: descriptors, attendance categories, grade
levels, dates and their errors. Issues name the resource path (``ed-fi/students``) as the file, the item's
1-based position in the pull as the line, and the JSON field (``studentReference.studentUniqueId``) as the column.

A deleted resource (``…/deletes``, change queries) becomes a tombstone: a row with ``record_status`` =
``"tobedeleted"`` carrying the key values the API gives.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from .edfi_records import ATTENDANCE, HANDLERS, LINE_ATTR, handler_for
from .values import descriptor_value, parse_iso_date, parse_school_year, parse_timestamp

#: Resource name → the record element of the XML interchanges it corresponds to.
RESOURCES: dict[str, str] = {
    "localEducationAgencies": "LocalEducationAgency",
    "schools": "School",
    "communityOrganizations": "CommunityOrganization",
    "communityProviders": "CommunityProvider",
    "calendarDates": "CalendarDate",
    "students": "Student",
    "studentEducationOrganizationAssociations": "StudentEducationOrganizationAssociation",
    "studentSchoolAssociations": "StudentSchoolAssociation",
    "studentSchoolAttendanceEvents": "StudentSchoolAttendanceEvent",
    "disciplineActions": "DisciplineAction",
    "grades": "Grade",
    "courseTranscripts": "CourseTranscript",
    "assessments": "Assessment",
    "studentAssessments": "StudentAssessment",
    "studentProgramAssociations": "StudentProgramAssociation",
    "studentSpecialEducationProgramAssociations": "StudentSpecialEducationProgramAssociation",
    "studentSchoolFoodServiceProgramAssociations": "StudentSchoolFoodServiceProgramAssociation",
    "studentHomelessProgramAssociations": "StudentHomelessProgramAssociation",
    "studentTitleIPartAProgramAssociations": "StudentTitleIPartAProgramAssociation",
    "studentLanguageInstructionProgramAssociations": "StudentLanguageInstructionProgramAssociation",
}
#: What ``commonground pull-edfi`` pulls unless told otherwise (education organizations first).
DEFAULT_RESOURCES = (
    "localEducationAgencies",
    "schools",
    "calendarDates",
    "students",
    "studentEducationOrganizationAssociations",
    "studentSchoolAssociations",
    "studentSchoolAttendanceEvents",
    "disciplineActions",
    "grades",
    "courseTranscripts",
    "assessments",
    "studentAssessments",
    "studentProgramAssociations",
)
#: JSON collections whose XML element is not simply the singular of the collection's name.
COLLECTIONS = {
    "addresses": "Address",
    "telephones": "Telephone",
    "electronicMails": "ElectronicMail",
    "identificationCodes": "EducationOrganizationIdentificationCode",
    "scoreResults": "ScoreResult",
    "performanceLevels": "PerformanceLevel",
    "disciplines": "Discipline",
    "calendarEvents": "CalendarEvent",
    "academicSubjects": "AcademicSubject",
}
#: JSON scalars that the XML wraps in an element of their own (``attemptedCredits`` → AttemptedCredits/Credits).
WRAPPED = {"attemptedCredits": "Credits", "earnedCredits": "Credits"}
#: XML-only grouping elements, and XML names whose JSON spelling differs (for issue columns).
XML_WRAPPERS = frozenset({"AttendanceEvent", "BirthData", "Name"})
JSON_NAMES = {
    **{v: k for k, v in COLLECTIONS.items()},
    "AttendanceEventCategory": "attendanceEventCategoryDescriptor",
}
RECORD_TAGS = frozenset(RESOURCES.values()) | frozenset(HANDLERS)

_STUDENT = {"studentUniqueId": "source_person_id"}
_PROGRAM = (
    (
        "program_participation",
        {
            **_STUDENT,
            "educationOrganizationId": "org_id",
            "programName": "program",
            "beginDate": "begin_date",
            "programTypeDescriptor": "program_type",
        },
    ),
)
#: For a deleted resource: the canonical table(s) of its tombstone and which key value fills which column.
DELETE_KEYS: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "Student": (("person", _STUDENT),),
    "StudentSchoolAssociation": (
        ("enrollment", {**_STUDENT, "schoolId": "school_id", "entryDate": "entry_date"}),
    ),
    "StudentSchoolAttendanceEvent": (
        (
            "attendance_event",
            {
                **_STUDENT,
                "schoolId": "school_id",
                "schoolYear": "school_year",
                "eventDate": "date",
                "attendanceEventCategoryDescriptor": "category",
            },
        ),
    ),
    "DisciplineAction": (
        (
            "discipline_action",
            {**_STUDENT, "disciplineActionIdentifier": "action_id", "disciplineDate": "date"},
        ),
    ),
    "Grade": (
        (
            "course_grade",
            {
                **_STUDENT,
                "schoolId": "school_id",
                "localCourseCode": "course_code",
                "sectionIdentifier": "section_id",
                "sessionName": "term",
                "schoolYear": "school_year",
                "gradeTypeDescriptor": "grade_type",
            },
        ),
    ),
    "CourseTranscript": (
        (
            "course_grade",
            {**_STUDENT, "courseCode": "course_code", "schoolYear": "school_year", "termDescriptor": "term"},
        ),
    ),
    "StudentAssessment": (("assessment_result", {**_STUDENT, "assessmentIdentifier": "assessment_id"}),),
    "CalendarDate": (
        (
            "calendar_date",
            {
                "schoolId": "school_id",
                "calendarCode": "calendar_code",
                "date": "date",
                "schoolYear": "school_year",
            },
        ),
    ),
    "School": (("school", {"schoolId": "school_id"}), ("organization", {"schoolId": "org_id"})),
    "LocalEducationAgency": (("organization", {"localEducationAgencyId": "org_id"}),),
    "CommunityOrganization": (("organization", {"communityOrganizationId": "org_id"}),),
    "CommunityProvider": (("organization", {"communityProviderId": "org_id"}),),
}
_DATE_COLUMNS = frozenset({"entry_date", "date", "begin_date"})
_DESCRIPTOR_COLUMNS = frozenset({"grade_type", "program_type", "term"})


def resource_path(name: str) -> str:
    """``students`` → ``ed-fi/students``; a name with a namespace (``tpdm/candidates``) is kept."""
    name = name.strip().strip("/")
    return name if "/" in name else f"ed-fi/{name}"


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _singular(name: str) -> str:
    if name.endswith("sses"):
        return name[:-2]
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def record_tag(resource: str) -> str:
    """The XML record element of a resource path (``ed-fi/studentSchoolAssociations`` → StudentSchoolAssociation)."""
    name = resource.rsplit("/", 1)[-1]
    return RESOURCES.get(name) or _pascal(_singular(name))


def supported(resource: str) -> bool:
    """True when the resource maps to canonical rows (or, for assessments, to what they need)."""
    return handler_for(record_tag(resource)) is not None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, obj: Mapping[str, Any], attrs: dict[str, str]) -> None:
    for key, value in obj.items():
        if key.startswith("_") or key == "link" or value is None:
            continue
        name = _pascal(key)
        if isinstance(value, Mapping):
            _fill(ET.SubElement(parent, name, attrs), value, attrs)
        elif isinstance(value, list):
            child = COLLECTIONS.get(key) or _pascal(_singular(key))
            for entry in value:
                if isinstance(entry, Mapping):
                    _fill(ET.SubElement(parent, child, attrs), entry, attrs)
                elif entry is not None:
                    ET.SubElement(parent, child, attrs).text = _text(entry)
        elif key in WRAPPED:
            ET.SubElement(ET.SubElement(parent, name, attrs), WRAPPED[key], attrs).text = _text(value)
        else:
            ET.SubElement(parent, name, attrs).text = _text(value)


def to_element(item: Mapping[str, Any], tag: str, line: int) -> ET.Element:
    """The XML record element that carries the same data as one JSON resource (every element at ``line``).

    Example:
        >>> el = to_element({"studentReference": {"studentUniqueId": "604822"}}, "StudentSchoolAssociation", 3)
        >>> el.findtext("StudentReference/StudentUniqueId"), el.get("_line")
        ('604822', '3')
    """
    attrs = {LINE_ATTR: str(line)}
    element = ET.Element(tag, attrs)
    _fill(element, {k: v for k, v in item.items() if k != "id"}, attrs)
    return element


def json_label(column: str | None) -> str | None:
    """An XML element path of an issue as the JSON field it came from (``Student/BirthData/BirthDate`` → ``birthDate``)."""
    if not column or ("/" not in column and column not in JSON_NAMES):
        return column
    parts = column.split("/")
    if parts[0] in RECORD_TAGS or parts[0].endswith("ProgramAssociation"):
        parts = parts[1:]
    names = [
        JSON_NAMES.get(p) or p[:1].lower() + p[1:]
        for p in parts
        if p and not p.endswith("Identity") and p not in XML_WRAPPERS and not p.startswith(".")
    ]
    return ".".join(names) or column


def _key_value(column: str, value: object) -> object:
    if value is None:
        return None
    text = str(value)
    try:
        if column in _DATE_COLUMNS:
            return parse_iso_date(text[:10])
        if column == "school_year":
            return parse_school_year(text)
    except ValueError:
        return None
    if column == "category":
        return ATTENDANCE.get(descriptor_value(text).lower(), "other")
    if column in _DESCRIPTOR_COLUMNS:
        return descriptor_value(text)
    return text


def tombstones(
    tag: str, item: object, file: str, line: int, source_org: str
) -> list[tuple[str, dict[str, Any]]] | None:
    """The tombstone rows of one ``/deletes`` item (``{id, changeVersion, keyValues}``); None when malformed."""
    keys = item.get("keyValues") if isinstance(item, Mapping) else None
    if not isinstance(keys, Mapping):
        return None
    spec = DELETE_KEYS.get(tag) or (_PROGRAM if tag.endswith("ProgramAssociation") else ())
    rows = []
    for table, columns in spec:
        row: dict[str, Any] = {
            "source_org": source_org,
            "source_file": file,
            "source_line": line,
            "record_status": "tobedeleted",
        }
        for key, column in columns.items():
            row[column] = _key_value(column, keys.get(key))
        rows.append((table, row))
    return rows


def last_modified(item: object) -> dt.datetime | None:
    """A resource's ``_lastModifiedDate`` as an aware datetime (None when absent or unreadable)."""
    value = item.get("_lastModifiedDate") if isinstance(item, Mapping) else None
    try:
        return parse_timestamp(value) if isinstance(value, str) else None
    except ValueError:
        return None
