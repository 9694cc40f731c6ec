"""The canonical data model of DESIGN.md §4 as explicit pyarrow schemas.

Every table starts with the provenance columns:

- ``submission_id`` — always null here; the publisher fills it when it writes the accepted batch.
- ``source_file`` / ``source_line`` — where the row came from (1-based line of the record's first line; the
  header is line 1). Validation uses them to name the exact place of an error; the publisher may drop them.
- ``record_status`` / ``date_last_modified`` — OneRoster delta semantics: ``active`` or ``tobedeleted``
  (a tombstone), and the source's modification time. Null for bulk sources.

Identity is source-local: ``source_org`` (the submitting organization's slug) and ``source_person_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa

#: Canonical attendance categories (``attendance_event.category``). ``partial`` covers Ed-Fi's "Partial" and
#: "Early departure" descriptors (present for part of the day; ``duration`` says how much was missed).
ATTENDANCE_CATEGORIES = ("in_attendance", "excused", "unexcused", "tardy", "partial", "other")

SEXES = ("female", "male", "nonbinary", "not_selected")

_PROVENANCE: list[pa.Field] = [
    pa.field("submission_id", pa.string()),
    pa.field("source_file", pa.string()),
    pa.field("source_line", pa.int32()),
    pa.field("record_status", pa.string()),
    pa.field("date_last_modified", pa.timestamp("us", tz="UTC")),
]


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([*_PROVENANCE, *(pa.field(name, typ) for name, typ in fields)])


S, D, N, F, B = pa.string(), pa.date32(), pa.int32(), pa.float64(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "person": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("local_id", S),
        ("ids_raw", S),
        ("first_name", S),
        ("middle_name", S),
        ("last_name", S),
        ("generation_suffix", S),
        ("preferred_first_name", S),
        ("preferred_last_name", S),
        ("birth_date", D),
        ("sex", S),
        # One value of race.CATEGORIES (the federal 7-category roll-up) or null; see race.py.
        ("race_ethnicity", S),
        ("address", S),
        ("city", S),
        ("state", S),
        ("postal_code", S),
        ("phone", S),
        ("email", S),
        ("school_id", S),
        ("grade_level", S),
    ),
    "organization": _schema(
        ("source_org", S),
        ("org_id", S),
        ("name", S),
        ("org_type", S),
        ("parent_org_id", S),
        ("identifier", S),
    ),
    "school": _schema(
        ("source_org", S),
        ("school_id", S),
        ("name", S),
        ("district", S),
        ("address", S),
        ("city", S),
        ("state", S),
        ("postal_code", S),
        ("neighborhood", S),
        ("latitude", F),
        ("longitude", F),
    ),
    "enrollment": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("school_id", S),
        ("session_id", S),
        ("school_year", N),
        ("entry_date", D),
        ("exit_date", D),
        ("grade_level", S),
    ),
    "attendance_event": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("school_id", S),
        ("school_year", N),
        ("date", D),
        ("category", S),
        ("category_raw", S),
        ("duration", F),
    ),
    "attendance_summary": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("school_id", S),
        ("school_year", N),
        ("period_start", D),
        ("period_end", D),
        ("days_enrolled", F),
        ("days_absent", F),
    ),
    "discipline_action": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("school_id", S),
        ("action_id", S),
        ("date", D),
        ("action_type", S),
        ("days_removed", F),
    ),
    "course_grade": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("school_id", S),
        ("course_code", S),
        ("section_id", S),
        ("term", S),
        ("school_year", N),
        ("grade_type", S),
        ("numeric_grade", F),
        ("letter_grade", S),
        ("credits_attempted", F),
        ("credits_earned", F),
    ),
    "assessment_result": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("assessment_id", S),
        ("date", D),
        ("subject", S),
        ("grade_level", S),
        ("scale_score", F),
        ("performance_level", S),
    ),
    "program_participation": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("org_id", S),
        ("program", S),
        ("program_type", S),
        ("begin_date", D),
        ("end_date", D),
    ),
    "service_contact": _schema(
        ("source_org", S),
        ("source_person_id", S),
        ("date", D),
        ("minutes", F),
        ("service_type", S),
        ("staff_role", S),
    ),
    "calendar_date": _schema(
        ("source_org", S),
        ("school_id", S),
        ("calendar_code", S),
        ("school_year", N),
        ("date", D),
        ("instructional", B),
        ("event", S),
    ),
}

#: Natural keys: no two rows of one submission may share them.
KEYS: dict[str, tuple[str, ...]] = {
    "person": ("source_org", "source_person_id"),
    "organization": ("source_org", "org_id"),
    "school": ("source_org", "school_id"),
    "enrollment": ("source_org", "source_person_id", "school_id", "school_year", "entry_date"),
    "attendance_event": ("source_org", "source_person_id", "school_id", "date", "category"),
    "attendance_summary": ("source_org", "source_person_id", "school_id", "period_start", "period_end"),
    "discipline_action": ("source_org", "source_person_id", "action_id", "date"),
    "course_grade": (
        "source_org",
        "source_person_id",
        "course_code",
        "section_id",
        "term",
        "school_year",
        "grade_type",
    ),
    "assessment_result": ("source_org", "source_person_id", "assessment_id", "date"),
    "program_participation": ("source_org", "source_person_id", "org_id", "program", "begin_date"),
    "service_contact": ("source_org", "source_person_id", "date", "service_type", "source_line"),
    "calendar_date": ("source_org", "school_id", "calendar_code", "date"),
}

#: The identity by which a later batch's row supersedes an earlier batch's rows in the current view
#: (``dataplane.current_relation``): the natural key without ``source_line`` (a position in one file names
#: nothing across files). Enrollment is matched per student, school and school year, because OneRoster's
#: roll-up and its tombstones know the spell only by those (a tombstone has no entry date).
CURRENT_KEYS: dict[str, tuple[str, ...]] = {
    **{name: tuple(k for k in key if k != "source_line") for name, key in KEYS.items()},
    "enrollment": ("source_org", "source_person_id", "school_id", "school_year"),
}

#: Fields that must be present on every non-tombstone row.
REQUIRED: dict[str, tuple[str, ...]] = {
    "person": ("source_person_id",),
    "organization": ("org_id",),
    "school": ("school_id",),
    "enrollment": ("source_person_id", "school_id"),
    "attendance_event": ("source_person_id", "date", "category"),
    "attendance_summary": ("source_person_id",),
    "discipline_action": ("source_person_id", "date"),
    "course_grade": ("source_person_id",),
    "assessment_result": ("source_person_id", "assessment_id"),
    "program_participation": ("source_person_id", "program"),
    "service_contact": ("source_person_id", "date"),
    "calendar_date": ("school_id", "date"),
}

#: Columns holding personally identifiable information (encrypted at rest by the publisher).
PII_COLUMNS = frozenset(
    {
        "first_name",
        "middle_name",
        "last_name",
        "generation_suffix",
        "preferred_first_name",
        "preferred_last_name",
        "birth_date",
        "address",
        "city",
        "postal_code",
        "phone",
        "email",
        "ids_raw",
        "local_id",
    }
)


def schema(table: str) -> pa.Schema:
    """The schema of one canonical table (``KeyError`` names the unknown table)."""
    try:
        return SCHEMAS[table]
    except KeyError:
        raise KeyError(f"unknown canonical table {table!r}; known: {', '.join(sorted(SCHEMAS))}") from None


def field_names(table: str) -> list[str]:
    """The column names of one canonical table, provenance columns first."""
    return list(schema(table).names)


def data_field_names(table: str) -> list[str]:
    """The column names a partner may supply (everything but the provenance columns)."""
    prov = {f.name for f in _PROVENANCE}
    return [n for n in schema(table).names if n not in prov]


class TableBuilder:
    """Accumulates rows (dicts) for one canonical table and converts them to Arrow every ``batch_rows`` rows.

    With ``emit`` (for example :meth:`ParseResult.emit <.report.ParseResult.emit>`), each converted batch is
    handed on at once and never kept, so a big file never exists as millions of dicts or as one whole table;
    :meth:`finish` then flushes the last batch and returns an empty table. Without it, :meth:`finish`
    returns everything as one table.

    Example:
        >>> b = TableBuilder("school")
        >>> b.append({"school_id": "1", "name": "North"})
        >>> b.finish().num_rows
        1
    """

    def __init__(
        self,
        table: str,
        batch_rows: int = 50_000,
        emit: Callable[[str, pa.RecordBatch], None] | None = None,
    ) -> None:
        self.table = table
        self.schema = schema(table)
        self.batch_rows = batch_rows
        self._emit = emit
        self._rows: list[Mapping[str, Any]] = []
        self._batches: list[pa.RecordBatch] = []
        self.count = 0

    def append(self, row: Mapping[str, Any]) -> None:
        """Add one row; unknown keys are a programming error."""
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= self.batch_rows:
            self.flush()

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Add many rows."""
        for row in rows:
            self.append(row)

    def flush(self) -> None:
        """Convert the rows held so far into a batch (and emit it, when emitting)."""
        if self._rows:
            batch = pa.RecordBatch.from_pylist(self._rows, schema=self.schema)
            self._rows = []
            if self._emit is not None:
                self._emit(self.table, batch)
            else:
                self._batches.append(batch)

    def finish(self) -> pa.Table:
        """The accumulated rows as one table with the canonical schema (empty when emitting)."""
        self.flush()
        return pa.Table.from_batches(self._batches, schema=self.schema)


def empty_table(table: str) -> pa.Table:
    """A table with the canonical schema and no rows."""
    return schema(table).empty_table()
