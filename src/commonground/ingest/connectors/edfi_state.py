"""What the Ed-Fi record mappers share: element lookups, value parsing with located errors, and the state of one
submission (builders, people, lookups resolved at the end).

Records are ElementTree elements whose tags are local names (no namespace). An element's line is its ``_line``
attribute; the fast XML reader sets it on record elements only and gives the state a way to find the line of
any other element (:attr:`EdfiState.locate`), which only an error needs.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import canonical
from .race import roll_up
from .report import ParseResult
from .values import parse_iso_date

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
DATE = "a date as YYYY-MM-DD"
#: Parsed values remembered per parser (dates, school years and descriptors repeat across records).
CACHE_LIMIT = 100_000

_CHILD, _DESCENDANT = 0, 1
_STEPS: dict[str, tuple[tuple[int, str], ...] | None] = {}


def _line(el: ET.Element) -> int:
    return int(el.get(LINE_ATTR, "0"))


def _compile(path: str) -> tuple[tuple[int, str], ...] | None:
    """``A/B`` → child steps, ``.//A`` → a descendant step; None for anything ElementPath must handle."""
    if any(c in path for c in "*[@{") or path.endswith("/"):
        return None
    steps: list[tuple[int, str]] = []
    axis = _CHILD
    for part in path.split("/"):
        if part == "":
            axis = _DESCENDANT
        elif part == ".":
            continue
        else:
            steps.append((axis, part))
            axis = _CHILD
    return tuple(steps) or None


def _walk(node: ET.Element, steps: tuple[tuple[int, str], ...], i: int) -> ET.Element | None:
    axis, tag = steps[i]
    last = i == len(steps) - 1
    if axis == _CHILD:
        if last:
            return node.find(tag)  # a plain tag: ElementTree's C fast path
        candidates: Any = node.findall(tag)
    else:
        candidates = (d for d in node.iter(tag) if d is not node)
        if last:
            return next(candidates, None)
    for candidate in candidates:
        found = _walk(candidate, steps, i + 1)
        if found is not None:
            return found
    return None


def _first(node: ET.Element, steps: tuple[tuple[int, str], ...]) -> ET.Element | None:
    """Follow the first match of each step (the common case: every step has one candidate)."""
    for axis, tag in steps:
        if axis == _CHILD:
            found = node.find(tag)  # a plain tag: ElementTree's C fast path
        else:
            them = node.iter(tag)
            found = next(them, None)
            if found is node:
                found = next(them, None)
        if found is None:
            return None
        node = found
    return node


def find(el: ET.Element, *paths: str) -> ET.Element | None:
    """The first element found by any of the paths (``A/B`` for children, ``.//X`` for a descendant).

    Plain paths are walked one tag at a time with ElementTree's C lookups, which is many times faster than
    ``el.find(path)`` going through ElementPath; the result is the same element (when the first candidate of a
    step leads nowhere, the others are tried, as ElementPath does).
    """
    for path in paths:
        if path not in _STEPS:
            _STEPS[path] = _compile(path)
        steps = _STEPS[path]
        if steps is None:
            found = el.find(path)
        else:
            found = _first(el, steps)
            if found is None and len(steps) > 1:
                found = _walk(el, steps, 0)
        if found is not None:
            return found
    return None


def text(el: ET.Element, *paths: str) -> str | None:
    """Stripped text of the first element found by any path, or None when absent or empty."""
    found = find(el, *paths)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def parse_date(text_value: str) -> dt.date:
    """An Ed-Fi date (``YYYY-MM-DD``, or the date part of a date-time)."""
    return parse_iso_date(text_value[:10] if "T" in text_value else text_value)


@dataclass
class EdfiState:
    """Builders and lookups shared by all files of one submission."""

    source_org: str
    result: ParseResult
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Student → (Hispanic or Latino?, races, line, file of the first record): pooled across records (edfi_race).
    race_parts: dict[str, tuple[bool | None, frozenset[str], int, str]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: AssessmentIdentifier → subject ("" when the Assessment names none) and → its one assessed grade.
    subjects: dict[str, str] = field(default_factory=dict)
    assessed_grades: dict[str, str] = field(default_factory=dict)
    org_names: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    builders: dict[str, canonical.TableBuilder] = field(default_factory=dict)
    #: The line of an element that carries no ``_line`` (set by the fast reader for the current record).
    locate: Callable[[ET.Element], int] | None = None
    _parsed: dict[Callable[[str], Any], dict[str, Any]] = field(default_factory=dict, repr=False)

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

    def line_of(self, el: ET.Element) -> int:
        """The line an element starts on."""
        line = el.get(LINE_ATTR)
        if line is not None:
            return int(line)
        return self.locate(el) if self.locate is not None else 0

    def base(self, el: ET.Element, file: str) -> dict[str, Any]:
        """Provenance columns and the source organization."""
        return {"source_org": self.source_org, "source_file": file, "source_line": self.line_of(el)}

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Append a row to a canonical table."""
        builder = self.builders.get(table)
        if builder is None:
            builder = self.builders[table] = self.result.builder(table)
        builder.append(row)

    def parsed(self, parser: Callable[[str], T], raw: str) -> T:
        """``parser(raw)``, remembered (``ValueError`` is raised again every time)."""
        cache = self._parsed.get(parser)
        if cache is None:
            cache = self._parsed[parser] = {}
        found = cache.get(raw)
        if found is None:
            found = parser(raw)
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            cache[raw] = found
        return found

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
                self.result.error("missing-value", file, self.line_of(el), f"{el.tag}/{path}", None, expected)
            return None
        try:
            return self.parsed(parser, raw)
        except ValueError:
            code = "bad-date" if "date" in expected else "bad-value"
            assert found is not None  # noqa: S101 - raw is non-empty only when found
            self.result.error(code, file, self.line_of(found), f"{el.tag}/{path}", raw, expected)
            return None

    def student(self, el: ET.Element, file: str) -> str | None:
        """The StudentUniqueId a record refers to (an error when missing)."""
        sid = text(el, STUDENT_PATH, "StudentReference/StudentUniqueId", ".//StudentUniqueId")
        if sid is None:
            self.result.error(
                "missing-value",
                file,
                self.line_of(el),
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
        for sid, person in self.people.items():
            parts = self.race_parts.get(sid)
            if parts is not None:  # pooled over the student's records, whichever came last
                person["race_ethnicity"] = roll_up(parts[0], parts[1])
            self.add("person", person)
        for row in self.rows.get("school", []):
            row["district"] = (
                self.org_names.get(row["district"], row["district"]) if row["district"] else None
            )
        from .edfi_assessments import resolve  # here, not at the top: it imports this module

        resolve(self)
        for name, rows in self.rows.items():
            for row in rows:
                self.add(name, row)
        for builder in self.builders.values():
            builder.finish()
        for tag, count in sorted(self.ignored.items()):
            self.result.notes.append(f"ignored {count} <{tag}> record(s): not part of the canonical model")
        self.result.source_columns.update(SOURCE_COLUMNS)


SOURCE_COLUMNS = {
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
SOURCE_COLUMNS["person"] = {
    "source_person_id": "Student/StudentUniqueId",
    "birth_date": "BirthData/BirthDate",
}
