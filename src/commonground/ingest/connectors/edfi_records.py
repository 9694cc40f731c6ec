"""Mapping of Ed-Fi 5.x XML records (one element each) to canonical rows: the table of record mappers.

Element names follow the Ed-Fi Data Standard 5.x interchange schemas; where 5.x spellings vary (for example
``AttendanceEventCategory`` vs ``AttendanceEventCategoryDescriptor``, identity-wrapped or flat references) each
alternative is tried. Descriptors are reduced to their code value (the URI fragment). The mappers live in
:mod:`.edfi_people`, :mod:`.edfi_events` and :mod:`.edfi_assessments`; what they share (lookups, located value
parsing, the submission's state) in :mod:`.edfi_state`. The XML reader and the Ed-Fi API client both feed records through :data:`HANDLERS`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from .edfi_assessments import assessment, student_assessment
from .edfi_events import attendance, discipline_action, grade, program, transcript
from .edfi_people import calendar_date, education_organization, school_association, student, student_edorg
from .edfi_state import (
    ATTENDANCE,
    DATE,
    EDORG_IDS,
    INSTRUCTIONAL,
    LINE_ATTR,
    SCHOOL_PATH,
    STUDENT_PATH,
    EdfiState,
    find,
    parse_date,
    text,
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


__all__ = [
    "ATTENDANCE",
    "DATE",
    "EDORG_IDS",
    "HANDLERS",
    "INSTRUCTIONAL",
    "LINE_ATTR",
    "SCHOOL_PATH",
    "STUDENT_PATH",
    "EdfiState",
    "Handler",
    "find",
    "handler_for",
    "parse_date",
    "text",
]
