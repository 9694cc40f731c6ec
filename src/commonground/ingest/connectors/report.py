"""What a parser found: canonical tables (in memory or streamed to a sink) plus specific, located issues."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from .canonical import TableBuilder, data_field_names, empty_table, schema
from .sink import TableSink, TableStats

Severity = Literal["error", "warning"]

#: After this many issues with the same (file, code), further ones are counted, not listed.
MAX_ISSUES_PER_KIND = 50
#: At most this many rows with errors are remembered for quarantine; beyond it the submission is rejected.
MAX_ROW_ERRORS = 100_000
MAX_VALUE_CHARS = 100


def truncate(value: object, limit: int = MAX_VALUE_CHARS) -> str | None:
    """A value as text for a report, cut to ``limit`` characters (with an ellipsis)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Stands for a value of an identifying column in stored reports.
WITHHELD = "(identifying value withheld)"
#: How sources name identifying fields (OneRoster headers, Ed-Fi elements, common spreadsheet headers), compared in
#: lower case without punctuation; a mapped tabular header is found through the parse's own column labels.
IDENTIFYING_NAMES = frozenset(
    {
        "firstname", "givenname", "middlename", "lastname", "lastsurname", "familyname", "surname", "name",
        "fullname", "studentname", "generationcodesuffix", "generationsuffix", "preferredfirstname",
        "preferredlastname", "birthdate", "dateofbirth", "dob", "address", "streetnumbername", "streetaddress",
        "address1", "address2", "city", "postalcode", "zip", "zipcode", "phone", "phonenumber", "telephonenumber",
        "sms", "email", "emailaddress", "electronicmailaddress", "localid", "identifier", "username",
    }
)  # fmt: skip


def identifying_column(label: str | None, mapped: set[str]) -> bool:
    """True when a report's column label names an identifying field: one of ``mapped`` (the source's labels of
    the identifying canonical columns) or a usual source name for one (``Student/BirthData/BirthDate`` → yes)."""
    if not label:
        return False
    last = re.sub(r"[^a-z0-9]", "", label.rsplit("/", 1)[-1].lower())
    return label in mapped or last in IDENTIFYING_NAMES


@dataclass(frozen=True)
class Issue:
    """One problem in the input, located as precisely as the format allows.

    ``line`` is 1-based and the header is line 1; ``column`` is the header name as written in the file (or
    ``"field N"`` for a field without a header, or the XML element path). ``expected`` says in plain words
    what would have been right. ``code`` is short and machine-readable (``"bad-date"``, ``"duplicate-key"``).
    """

    severity: Severity
    code: str
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    @property
    def message(self) -> str:
        """A one-line human message: where, what was found, what was expected."""
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        found = f": found {self.value!r}" if self.value is not None else ""
        return f"{where}{found}; expected {self.expected} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        """The issue as JSON-ready data (with its message)."""
        return {**asdict(self), "message": self.message}

    def withheld(self) -> Issue:
        """The same issue without the value it found: for values of identifying columns, which a stored report
        must not keep in plaintext (the file, line and column still say where to look)."""
        return replace(self, value=WITHHELD) if self.value is not None else self


@dataclass
class ParseResult:
    """The outcome of parsing one submission's files.

    Parsers :meth:`emit` canonical record batches. Without a ``sink`` they are kept in memory and
    :meth:`close_tables` joins them into ``tables`` (canonical table name → Arrow table); with a sink (for
    example :class:`~.sink.ParquetSink`) they are streamed out and only ``stats`` (rows and nulls per column)
    stay here. ``rows_read`` counts data rows (or XML records) per file; ``notes`` records accepted drift and
    things deliberately not kept (data minimization).
    """

    tables: dict[str, pa.Table] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: How the source named each canonical field, per table (for validation messages); defaults to the field.
    source_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Where each person's birth date came from when not from the person row itself: id → (file, line, column).
    birth_sources: Mapping[str, tuple[str, int, str]] = field(default_factory=dict)
    #: Errors by the row they are on, (file, line) → messages, for quarantine (uncapped up to MAX_ROW_ERRORS).
    row_errors: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    #: Errors that name no line (a whole file or the submission): they always reject.
    errors_without_line: int = 0
    #: Why the row errors are not a complete list (too many, or a check stopped listing); empty when complete.
    row_errors_incomplete: str = ""
    #: A location an error names → the location of the canonical row built from it (a demographics line →
    #: its student's users line), for quarantine.
    row_aliases: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    #: Source columns read but not kept (nothing in the canonical model needs them), per file.
    not_kept: dict[str, list[str]] = field(default_factory=dict)
    #: Canonical tables whose rows are changes to the earlier roster (a OneRoster ``delta`` file).
    delta_tables: set[str] = field(default_factory=set)
    #: Where batches go; None keeps them in memory (``tables``).
    sink: TableSink | None = None
    #: Rows and null counts per table, kept as batches are emitted (in the order tables first appeared).
    stats: dict[str, TableStats] = field(default_factory=dict)
    _kind_counts: Counter[tuple[str, str, str]] = field(default_factory=Counter, repr=False)
    _pending: dict[str, list[pa.RecordBatch]] = field(default_factory=dict, repr=False)
    _closed: bool = field(default=False, repr=False)

    def declare(self, table: str) -> TableStats:
        """Make ``table`` part of the result even if it gets no rows; return its statistics."""
        found = self.stats.get(table)
        if found is None:
            schema(table)  # a KeyError names an unknown table
            found = self.stats[table] = TableStats(table)
            if self.sink is None:
                self._pending[table] = []
        return found

    def emit(self, table: str, batch: pa.RecordBatch | pa.Table) -> None:
        """Add canonical rows to ``table`` (the canonical columns; text may be dictionary-encoded)."""
        if self._closed:
            raise RuntimeError("the result's tables are closed; no more rows can be added")
        stats = self.declare(table)
        stats.add(batch)
        if self.sink is not None:
            self.sink.write(table, batch)
            return
        target = schema(table)
        if batch.schema != target:
            batch = batch.cast(target)
        self._pending[table].extend(batch.to_batches() if isinstance(batch, pa.Table) else [batch])

    def builder(self, table: str, batch_rows: int = 65_536) -> TableBuilder:
        """A :class:`~.canonical.TableBuilder` whose batches go to :meth:`emit` (``finish()`` flushes)."""
        self.declare(table)
        return TableBuilder(table, batch_rows, emit=self.emit)

    def close_tables(self) -> None:
        """No more rows: build ``tables`` (in memory) or close the sink. Idempotent.

        Tables a parser put straight into ``tables`` are counted, and streamed to the sink when there is one.
        """
        if self._closed:
            return
        for name, table in list(self.tables.items()):
            if name not in self.stats:
                self.stats[name] = TableStats(name)
                self.stats[name].add(table)
                if self.sink is not None:
                    for part in table.to_batches():
                        self.sink.write(name, part)
                    del self.tables[name]
        self._closed = True
        if self.sink is not None:
            self.sink.close()
            return
        for name, parts in self._pending.items():
            self.tables[name] = (
                pa.Table.from_batches(parts, schema=schema(name)) if parts else empty_table(name)
            )
        self._pending = {}

    def table_sources(self) -> dict[str, pa.Table | Path]:
        """Each table as an in-memory table or its finished Parquet file (after :meth:`close_tables`)."""
        self.close_tables()
        out: dict[str, pa.Table | Path] = {}
        for name in self.stats:
            path = self.sink.path(name) if self.sink is not None else None
            out[name] = path if path is not None else self.tables.get(name, empty_table(name))
        return out

    def completeness(self) -> dict[str, dict[str, float]]:
        """Share of non-empty values per partner-supplied column of each table with rows (1.0 = always)."""
        self.close_tables()
        return {
            name: stats.completeness(data_field_names(name))
            for name, stats in sorted(self.stats.items())
            if stats.rows
        }

    def add(
        self,
        severity: Severity,
        code: str,
        file: str,
        line: int | None,
        column: str | None,
        value: object,
        expected: str,
    ) -> None:
        """Record an issue (repeats of the same kind in the same file beyond a cap are only counted)."""
        kind = (severity, file, code)
        self._kind_counts[kind] += 1
        issue = Issue(severity, code, file, line, column, truncate(value), expected)
        if self._kind_counts[kind] <= MAX_ISSUES_PER_KIND:
            self.issues.append(issue)
        if severity == "error":
            if line is None:
                self.errors_without_line += 1
            else:
                self.flag_row(file, line, issue.message)

    def flag_row(self, file: str, line: int, message: str) -> None:
        """Remember that the row at ``file``/``line`` has an error (for quarantine), without listing an issue."""
        messages = self.row_errors.get((file, line))
        if messages is not None:
            messages.append(message)
        elif len(self.row_errors) < MAX_ROW_ERRORS:
            self.row_errors[(file, line)] = [message]
        else:
            self.row_errors_incomplete = f"more than {MAX_ROW_ERRORS} rows have errors"

    def not_kept_columns(self, file: str, columns: list[str]) -> None:
        """Record the columns of ``file`` that were read but not kept, with a note (data minimization)."""
        columns = [c for c in columns if c]
        if columns:
            self.not_kept[file] = columns
            self.notes.append(f"{file}: {', '.join(columns)} (not kept: nothing in the hub needs them)")

    def error(
        self, code: str, file: str, line: int | None, column: str | None, value: object, expected: str
    ) -> None:
        """Record an error: the submission cannot be accepted as is."""
        self.add("error", code, file, line, column, value, expected)

    def warning(
        self, code: str, file: str, line: int | None, column: str | None, value: object, expected: str
    ) -> None:
        """Record a warning: accepted, but the partner should know."""
        self.add("warning", code, file, line, column, value, expected)

    def finish(self) -> ParseResult:
        """Close the tables (see :meth:`close_tables`) and add notes for capped issue kinds; returns self."""
        self.close_tables()
        for (severity, file, code), count in sorted(self._kind_counts.items()):
            if count > MAX_ISSUES_PER_KIND:
                self.notes.append(
                    f"{file}: {count} {severity}s of kind {code}; only the first {MAX_ISSUES_PER_KIND} are listed"
                )
        return self

    def count(self, severity: Severity, code: str | None = None) -> int:
        """How many issues of a severity (and code) occurred, including the ones not listed."""
        return sum(
            n for (sev, _f, c), n in self._kind_counts.items() if sev == severity and code in (None, c)
        )

    @property
    def errors(self) -> list[Issue]:
        """Listed errors."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Listed warnings."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return self.count("error") == 0

    def codes(self, severity: Severity | None = None) -> set[str]:
        """The distinct issue codes (optionally of one severity)."""
        return {i.code for i in self.issues if severity in (None, i.severity)}

    def column_label(self, table: str, name: str) -> str:
        """The source's name for a canonical field (e.g. the XML element path), for messages."""
        return self.source_columns.get(table, {}).get(name, name)

    def rows(self) -> dict[str, int]:
        """Row counts per canonical table."""
        counts = {name: t.num_rows for name, t in self.tables.items() if name not in self.stats}
        return {**{name: s.rows for name, s in self.stats.items()}, **counts}

    def merge(self, other: ParseResult) -> None:
        """Fold another in-memory result (e.g. of another file of the same submission) into this one."""
        other.close_tables()
        self.close_tables()
        for name, table in other.tables.items():
            self.tables[name] = pa.concat_tables([self.tables[name], table]) if name in self.tables else table
            self.declare(name).add(table)
        self.issues.extend(other.issues)
        self.row_errors.update(other.row_errors)
        self.errors_without_line += other.errors_without_line
        self.row_errors_incomplete = self.row_errors_incomplete or other.row_errors_incomplete
        self.row_aliases.update(other.row_aliases)
        self.not_kept.update(other.not_kept)
        self.delta_tables |= other.delta_tables
        self.rows_read.update(other.rows_read)
        self.notes.extend(other.notes)
        for table, cols in other.source_columns.items():
            self.source_columns.setdefault(table, {}).update(cols)
        self._kind_counts.update(other._kind_counts)
