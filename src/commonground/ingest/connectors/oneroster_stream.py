"""Streaming the big OneRoster files (``users.csv``, ``enrollments.csv``) row by row.

The small files (orgs, sessions, courses, classes, roles, demographics) are read whole: the roll-up joins
against them. The big ones are never held: each row is checked (status, duplicate sourcedId), turned into
canonical rows and forgotten. What stays per user is what the enrollment roll-up needs — the sourcedId, a
line and a hash of the row (for duplicates), whether it is a student and its grade — packed into one integer;
per enrollment row only three 8-byte numbers (hashes and line), checked for duplicates after the file.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import numpy as np

from .oneroster_context import Ctx
from .oneroster_files import FileRows, Row, open_rows
from .oneroster_race import RaceReader
from .oneroster_specs import SPECS
from .report import ParseResult

#: The files read row by row (demographics into a compact index, before users).
STREAMED = ("users", "enrollments", "demographics")
_CRC_BITS = 32
_GRADE_BITS = 8


class StatusCheck:
    """The per-row rules for ``status``: required in a delta, ``active`` or ``tobedeleted``, no tombstone in a
    bulk file (dropped with a warning). Empty statuses in a bulk file are counted and reported once."""

    def __init__(self, rows: FileRows, mode: str, result: ParseResult) -> None:
        self.rows, self.mode, self.result = rows, mode, result
        self.empty: list[int] = []

    def keep(self, row: Row) -> bool:
        """Check and normalise the row's status; False when the row is to be dropped."""
        rows, result = self.rows, self.result
        status = row.get("status").lower()
        if status == "":
            if self.mode == "delta":
                result.error(
                    "missing-status",
                    rows.file,
                    row.line,
                    rows.col("status"),
                    None,
                    "active or tobedeleted (required in a delta file)",
                )
            else:
                self.empty.append(row.line)
        elif status not in ("active", "tobedeleted"):
            result.error(
                "bad-value",
                rows.file,
                row.line,
                rows.col("status"),
                row.get("status"),
                "active or tobedeleted",
            )
        elif status == "tobedeleted" and self.mode == "bulk":
            result.warning(
                "tombstone-in-bulk",
                rows.file,
                row.line,
                rows.col("status"),
                row.get("status"),
                "only active rows in a bulk file; the row is dropped",
            )
        row.values["status"] = status
        return not (self.mode == "bulk" and status == "tobedeleted")

    def finish(self) -> None:
        """Report the empty statuses (once, with their count)."""
        if self.empty:
            self.result.warning(
                "empty-status",
                self.rows.file,
                self.empty[0],
                self.rows.col("status"),
                "",
                f"active or tobedeleted; {len(self.empty)} row(s) have an empty status, read as active",
            )


def _crc(row: Row) -> int:
    # Rows of one file have their values in the header's order, so the values alone identify the content.
    return zlib.crc32("\x1f".join(row.values.values()).encode())


class UserIndex:
    """Every user read so far: sourcedId → (line, row hash, student?, grade), packed in one integer."""

    def __init__(self) -> None:
        self._users: dict[str, int] = {}
        self._grades: list[str | None] = [None]
        self._grade_index: dict[str | None, int] = {None: 0}

    def __bool__(self) -> bool:
        return bool(self._users)

    def __contains__(self, uid: object) -> bool:
        return uid in self._users

    def first(self, row: Row, rows: FileRows, result: ParseResult) -> bool:
        """True for the first row of a sourcedId; a repeat is dropped (a warning when identical, else an error)."""
        key = row.get("sourcedId")
        if not key:
            result.error("missing-value", rows.file, row.line, rows.col("sourcedId"), None, "a sourcedId")
            return False
        crc = _crc(row)
        prior = self._users.get(key)
        if prior is None:
            self._users[key] = (row.line << (_CRC_BITS + _GRADE_BITS + 1)) | crc
            return True
        line = prior >> (_CRC_BITS + _GRADE_BITS + 1)
        if prior & ((1 << _CRC_BITS) - 1) == crc:
            result.warning(
                "duplicate-row",
                rows.file,
                row.line,
                rows.col("sourcedId"),
                key,
                f"each sourcedId once; identical to line {line} (dropped)",
            )
        else:
            result.error(
                "duplicate-key",
                rows.file,
                row.line,
                rows.col("sourcedId"),
                key,
                f"a unique sourcedId; line {line} has the same sourcedId with different values",
            )
        return False

    def mark_student(self, uid: str, grade: str | None) -> None:
        """Remember that ``uid`` is a student (with the grade the roll-up gives its enrollments)."""
        index = self._grade_index.get(grade)
        if index is None:
            if len(self._grades) >= 1 << _GRADE_BITS:
                index = 0  # more distinct grades than any real export: the roll-up leaves them out
            else:
                index = self._grade_index[grade] = len(self._grades)
                self._grades.append(grade)
        packed = self._users[uid] & ~(((1 << (_GRADE_BITS + 1)) - 1) << _CRC_BITS)
        self._users[uid] = packed | (((index << 1) | 1) << _CRC_BITS)

    def is_student(self, uid: str) -> bool:
        """True when ``uid`` was read as a student."""
        packed = self._users.get(uid)
        return packed is not None and bool((packed >> _CRC_BITS) & 1)

    def grade(self, uid: str) -> str | None:
        """The student's grade (as the person row has it), or None."""
        packed = self._users.get(uid, 0)
        return self._grades[(packed >> (_CRC_BITS + 1)) & ((1 << _GRADE_BITS) - 1)]


class RowHashes:
    """Duplicate sourcedIds of a streamed file, found after it was read: 24 bytes per row, not the rows."""

    def __init__(self) -> None:
        self.ids, self.values, self.lines = array("q"), array("q"), array("q")

    def add(self, row: Row) -> None:
        """Remember one row by hashes of its sourcedId and of its values."""
        self.ids.append(hash(row.get("sourcedId")))
        self.values.append(_crc(row))
        self.lines.append(row.line)

    def report(self, rows: FileRows, result: ParseResult) -> None:
        """Warn about identical repeats and report conflicting ones as errors, at the repeating lines."""
        if len(self.ids) < 2:
            return
        ids = np.frombuffer(self.ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        repeats = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1]) + 1
        values, lines = np.frombuffer(self.values, dtype=np.int64), np.frombuffer(self.lines, dtype=np.int64)
        for i in repeats:
            first = order[np.searchsorted(sorted_ids, sorted_ids[i])]
            here = order[i]
            line, prior = int(lines[here]), int(lines[first])
            if values[here] == values[first]:
                result.warning(
                    "duplicate-row",
                    rows.file,
                    line,
                    rows.col("sourcedId"),
                    None,
                    f"each sourcedId once; identical to line {prior}",
                )
            else:
                result.error(
                    "duplicate-key",
                    rows.file,
                    line,
                    rows.col("sourcedId"),
                    None,
                    f"a unique sourcedId; line {prior} has the same sourcedId with different values",
                )


@contextmanager
def stream_file(ctx: Ctx, name: str) -> Iterator[tuple[FileRows, Iterator[Row]] | None]:
    """Open one streamed file of the submission; yield its header and its status-checked rows (or None).

    ``ctx`` is the reader's :class:`~.oneroster_context.Ctx` (it knows the source, the modes and the result).
    """
    mode = ctx.modes.get(name, "absent")
    member = ctx.source.find(f"{name}.csv") if ctx.source is not None and mode != "absent" else None
    if member is None or ctx.source is None:
        yield None
        return
    with ctx.source.open(member) as raw:
        opened = open_rows(raw, SPECS[name], member, ctx.result)
        if opened is None:
            yield None
            return
        rows, iterator = opened
        ctx.files[name] = rows
        check = StatusCheck(rows, mode, ctx.result)
        yield rows, (row for row in iterator if check.keep(row))
        check.finish()


class Demographics(Mapping[str, tuple[str, int, str]]):
    """``demographics.csv`` as the person rows need it: sourcedId → (line, birthDate, sex, race_ethnicity).

    As a mapping it answers where a student's birth date came from — (file, line, column) — which is what
    ``ParseResult.birth_sources`` holds for the date checks.
    """

    def __init__(self, rows: FileRows | None = None) -> None:
        self.rows = rows or FileRows("demographics.csv")
        self._by_id: dict[str, tuple[int, str, str, str | None]] = {}
        self._lines: dict[str, int] = {}  # after :meth:`release`: only where each row was

    def add(self, row: Row, race_ethnicity: str | None = None) -> None:
        """Keep the first row of each sourcedId (repeats are reported by :class:`RowHashes`), with the
        race/ethnicity already rolled up from its columns (one of a few shared strings)."""
        self._by_id.setdefault(
            row.get("sourcedId"), (row.line, row.get("birthDate"), sys.intern(row.get("sex")), race_ethnicity)
        )

    def row(self, uid: str) -> Row | None:
        """The student's demographics as a row (for ``parse_value``), or None."""
        found = self._by_id.get(uid)
        if found is None:
            return None
        line, birth, sex, _race = found
        return Row(line, {"sourcedId": uid, "birthDate": birth, "sex": sex})

    def race_ethnicity(self, uid: str) -> str | None:
        """The student's rolled-up race/ethnicity (None when unknown or not in the file)."""
        found = self._by_id.get(uid)
        return found[3] if found is not None else None

    def lines(self) -> Iterator[tuple[str, int]]:
        """(sourcedId, line) of every kept row, in file order."""
        if self._lines:
            return iter(self._lines.items())
        return ((uid, found[0]) for uid, found in self._by_id.items())

    def release(self) -> None:
        """Forget the values once the person rows are built; keep where each row was (for the date checks)."""
        self._lines = {uid: found[0] for uid, found in self._by_id.items()}
        self._by_id = {}

    def __getitem__(self, uid: str) -> tuple[str, int, str]:
        line = self._lines[uid] if self._lines else self._by_id[uid][0]
        return self.rows.file, line, self.rows.col("birthDate")

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines or self._by_id)

    def __len__(self) -> int:
        return len(self._lines or self._by_id)


def read_demographics(ctx: Ctx) -> Demographics:
    """Stream ``demographics.csv`` (when the export has it) into a :class:`Demographics` index."""
    with stream_file(ctx, "demographics") as opened:
        if opened is None:
            return Demographics()
        rows, iterator = opened
        index, hashes, races = Demographics(rows), RowHashes(), RaceReader(rows, ctx.result)
        for row in iterator:
            uid = row.get("sourcedId")
            if not uid:
                ctx.result.error(
                    "missing-value", rows.file, row.line, rows.col("sourcedId"), None, "a sourcedId"
                )
                continue
            hashes.add(row)
            if uid not in index:  # a repeat is reported by the hashes, not read again
                index.add(row, races.read(row))
        races.finish()
    hashes.report(rows, ctx.result)
    return index
