"""The data elements agreements and consents name: ``"table.column"`` of the canonical model (DESIGN.md §4).

Django-free.  Provenance columns (``submission_id``, ``source_file``...) and ``source_org`` (which organization
sent a row, not a fact about a student) are not elements.
"""

from __future__ import annotations

from collections.abc import Iterable

from commonground.ingest.connectors.canonical import PII_COLUMNS, SCHEMAS, data_field_names

_NOT_ELEMENTS = frozenset({"source_org"})

#: Every element, grouped by table in the canonical model's order.
ELEMENTS: tuple[str, ...] = tuple(
    f"{table}.{column}"
    for table in SCHEMAS
    for column in data_field_names(table)
    if column not in _NOT_ELEMENTS
)
_ELEMENT_SET = frozenset(ELEMENTS)

#: Elements that identify a student directly or indirectly (34 CFR 99.3 "personally identifiable information").
#: Only tables about people count: a school's address identifies no student.
_PERSON_TABLES = frozenset(t for t in SCHEMAS if "source_person_id" in SCHEMAS[t].names)
IDENTIFYING: frozenset[str] = frozenset(
    e
    for e in ELEMENTS
    if e.split(".", 1)[0] in _PERSON_TABLES
    and (e.split(".", 1)[1] in PII_COLUMNS or e.endswith(".source_person_id"))
)

#: Elements a district may designate as directory information (34 CFR 99.3): name, address, telephone, email,
#: date of birth, grade level, enrollment status and dates of attendance, school attended, participation in
#: activities.  Grades, attendance records, discipline and test results are never directory information.
DIRECTORY_ELIGIBLE: frozenset[str] = frozenset(
    {
        *(
            f"person.{c}"
            for c in (
                "first_name",
                "middle_name",
                "last_name",
                "generation_suffix",
                "preferred_first_name",
                "preferred_last_name",
                "birth_date",
                "address",
                "city",
                "state",
                "postal_code",
                "phone",
                "email",
                "school_id",
                "grade_level",
            )
        ),
        *(f"enrollment.{c}" for c in ("school_id", "school_year", "entry_date", "exit_date", "grade_level")),
        *(f"program_participation.{c}" for c in ("program", "program_type", "begin_date", "end_date")),
    }
)

#: Elements that may hold a social security number, which is never directory information (34 CFR 99.3).
SSN_LIKE: frozenset[str] = frozenset({"person.ids_raw", "person.local_id"})


class UnknownElementError(ValueError):
    """An element is not ``table.column`` of the canonical model."""


def label(element: str) -> str:
    """A readable name: ``attendance_event.category`` → ``Attendance event: category``."""
    table, _, column = element.partition(".")
    return f"{table.replace('_', ' ').capitalize()}: {column.replace('_', ' ')}"


def unknown(elements: Iterable[str]) -> list[str]:
    """The elements that are not in the canonical model, in the order given."""
    return [e for e in elements if e not in _ELEMENT_SET]


def check(elements: Iterable[str]) -> list[str]:
    """Return ``elements`` sorted in catalog order, or raise :class:`UnknownElementError` naming the bad ones.

    Example:
        >>> check(["person.last_name", "attendance_event.date"])
        ['person.last_name', 'attendance_event.date']
    """
    values = list(elements)
    bad = unknown(values)
    if bad:
        raise UnknownElementError(
            f"unknown data element{'s' if len(bad) > 1 else ''} {', '.join(repr(b) for b in bad)}: "
            "expected table.column of the canonical model, e.g. attendance_event.category"
        )
    wanted = set(values)
    return [e for e in ELEMENTS if e in wanted]


def tables(elements: Iterable[str]) -> list[str]:
    """The canonical tables the elements come from, in the model's order."""
    wanted = {e.split(".", 1)[0] for e in elements}
    return [t for t in SCHEMAS if t in wanted]


def not_directory_eligible(elements: Iterable[str]) -> list[str]:
    """The elements that can never be directory information."""
    return [e for e in elements if e not in DIRECTORY_ELIGIBLE]


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped by table, for a checkbox list (one fieldset-like group per table)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for element in ELEMENTS:
        table, _, column = element.partition(".")
        groups.setdefault(table.replace("_", " ").capitalize(), []).append(
            (element, column.replace("_", " "))
        )
    return list(groups.items())
