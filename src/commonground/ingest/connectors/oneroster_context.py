"""What the OneRoster reader knows about one submission, and the helpers its table builders share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .oneroster_files import FileRows, Row
from .report import ParseResult
from .sources import Source
from .values import parse_timestamp

T = TypeVar("T")
#: Lists inside one field (``orgSourcedIds``, ``termSourcedIds``, ``grades``) are comma-separated.
LIST_SPLIT = re.compile(r"\s*,\s*")


@dataclass
class Ctx:
    """Everything read so far for one submission."""

    source_org: str
    result: ParseResult
    #: The open export, for the files read row by row (``oneroster_stream``).
    source: Source | None = None
    modes: dict[str, str] = field(default_factory=dict)
    files: dict[str, FileRows] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def by_id(self, name: str) -> dict[str, Row]:
        """The rows of one file by sourcedId."""
        return {r.get("sourcedId"): r for r in self.rows.get(name, [])}


def parse_value(
    ctx: Ctx, name: str, row: Row, column: str, parser: Callable[[str], T], expected: str
) -> T | None:
    """A column of a row parsed (None when empty); a bad value is an error at its file, line and column."""
    text = row.get(column)
    if not text:
        return None
    try:
        return parser(text)
    except ValueError:
        rows = ctx.files[name]
        ctx.result.error(
            "bad-date" if "date" in expected.lower() else "bad-value",
            rows.file,
            row.line,
            rows.col(column),
            text,
            expected,
        )
        return None


def base_columns(ctx: Ctx, name: str, row: Row) -> dict[str, Any]:
    """Provenance and delta columns of a canonical row made from ``row`` of file ``name``."""
    status = row.get("status")
    return {
        "source_org": ctx.source_org,
        "source_file": ctx.files[name].file,
        "source_line": row.line,
        "record_status": status if ctx.modes.get(name) == "delta" else None,
        "date_last_modified": parse_value(
            ctx,
            name,
            row,
            "dateLastModified",
            parse_timestamp,
            "an ISO 8601 date-time such as 2021-05-28T12:00:00Z",
        ),
    }


def unknown_ref(ctx: Ctx, name: str, row: Row, column: str, value: str, target: str) -> None:
    """An unknown reference is an error in bulk files, a warning in delta files (it may exist already)."""
    rows = ctx.files[name]
    expected = f"a sourcedId that exists in {target}"
    if ctx.modes.get(name) == "delta" or ctx.modes.get(target.removesuffix(".csv")) == "delta":
        ctx.result.warning(
            "unknown-reference",
            rows.file,
            row.line,
            rows.col(column),
            value,
            expected + " (delta: may refer to an earlier submission)",
        )
    else:
        ctx.result.error("unknown-reference", rows.file, row.line, rows.col(column), value, expected)
