"""What a parser found: canonical tables plus specific, located issues."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pyarrow as pa

Severity = Literal["error", "warning"]

#: After this many issues with the same (file, code), further ones are counted, not listed.
MAX_ISSUES_PER_KIND = 50
MAX_VALUE_CHARS = 100


def truncate(value: object, limit: int = MAX_VALUE_CHARS) -> str | None:
    """A value as text for a report, cut to ``limit`` characters (with an ellipsis)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


@dataclass
class ParseResult:
    """The outcome of parsing one submission's files.

    ``tables`` maps canonical table names to Arrow tables; ``rows_read`` counts data rows (or XML records) per
    file; ``notes`` records accepted drift and things deliberately not kept (data minimization).
    """

    tables: dict[str, pa.Table] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: How the source named each canonical field, per table (for validation messages); defaults to the field.
    source_columns: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Where each person's birth date came from when not from the person row itself: id → (file, line, column).
    birth_sources: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    _kind_counts: Counter[tuple[str, str, str]] = field(default_factory=Counter, repr=False)

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
        if self._kind_counts[kind] <= MAX_ISSUES_PER_KIND:
            self.issues.append(Issue(severity, code, file, line, column, truncate(value), expected))

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
        """Add notes for capped issue kinds; returns self."""
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
        return {name: t.num_rows for name, t in self.tables.items()}

    def merge(self, other: ParseResult) -> None:
        """Fold another result (e.g. of another file of the same submission) into this one."""
        for name, table in other.tables.items():
            self.tables[name] = pa.concat_tables([self.tables[name], table]) if name in self.tables else table
        self.issues.extend(other.issues)
        self.rows_read.update(other.rows_read)
        self.notes.extend(other.notes)
        for table, cols in other.source_columns.items():
            self.source_columns.setdefault(table, {}).update(cols)
        self._kind_counts.update(other._kind_counts)
