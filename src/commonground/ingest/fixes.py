"""Quarantined rows: download them as CSV, correct them, and send back just those (a fixes submission).

The download has the canonical columns of one table (``source_org`` aside: the hub fills it), then
``problem`` (what was wrong, in words), ``original_file`` and ``original_line``. The same file, corrected, is
read back with an identity mapping — the extra columns are ignored — and checked like any tabular file, plus
against the current data: facts must name a person (or school) the organization's current roster has, and a
row must not repeat a key the current view already holds. It is published as its own batch (a delta for
roster tables, so it is added to the roster the original submission published).
"""

# ruff: noqa: S608 - table and column names in the SQL come from the canonical schema, never from input

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.ingest import dataplane, sealing
from commonground.ingest.choices import SubmissionStatus
from commonground.ingest.connectors.canonical import KEYS, data_field_names
from commonground.ingest.connectors.mapping import Mapping
from commonground.ingest.connectors.quarantine import REASONS
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.sink import TableSink
from commonground.ingest.connectors.tabular import read_tabular
from commonground.ingest.connectors.textio import csv_records
from commonground.ingest.connectors.validate import (
    PERSON_REFS,
    SCHOOL_REFS,
    report_unknown_references,
    validate_result,
)
from commonground.ingest.connectors.validate_tables import (
    LIVE,
    MAX_REPORTED,
    Tables,
    connection,
    quote,
    where,
)
from commonground.ingest.models import Submission

EXTRA_COLUMNS = ("problem", "original_file", "original_line")
#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FixesError(ValueError):
    """A fixes submission that cannot start (wrong organization, nothing quarantined)."""


def fix_columns(table: str) -> list[str]:
    """The canonical columns of a quarantine download (and of the fixes sent back)."""
    return [c for c in data_field_names(table) if c != "source_org"]


def quarantine_files(submission: Submission) -> dict[str, Path]:
    """The quarantined rows of an accepted submission, per table (published next to its batches)."""
    out = {}
    for folder in sorted((dataplane.data_dir() / "quarantine").glob("*")):
        path = (
            dataplane.quarantine_dir(folder.name, submission.organization.slug, submission.pk)
            / dataplane.PART
        )
        if submission.status == SubmissionStatus.ACCEPTED and path.is_file():
            out[folder.name] = path
    return out


def check_fixable(original: Submission, organization: Organization) -> None:
    """Raise :class:`FixesError` unless ``original`` is ``organization``'s accepted submission with quarantined rows."""
    if original.organization_id != organization.pk:
        raise FixesError(f"submission {original.pk} is not from {organization.slug}")
    if original.status != SubmissionStatus.ACCEPTED or not original.quarantined_rows:
        raise FixesError(f"submission {original.pk} has no quarantined rows to fix")


def _cell(value: object, spreadsheet_safe: bool) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if spreadsheet_safe and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def quarantine_csv(submission: Submission, table: str) -> Iterator[str]:
    """The quarantined rows of one table as CSV lines (header first), for correcting and sending back.

    The ``problem`` column is hub text that quotes the values found, so it is made safe to open in a
    spreadsheet; data cells are left as they were (the tabular reader warns about formula-like values).
    """
    path = quarantine_files(submission).get(table)
    if path is None:
        raise FixesError(f"submission {submission.pk} has no quarantined {table} rows")
    columns = fix_columns(table)
    buffer = _Line()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*columns, *EXTRA_COLUMNS])
    yield buffer.take()
    from commonground.governance.gate import system_read  # the gate imports the data plane, not this module

    # The rows go back to the organization that sent them (its own records, not a disclosure to anyone else):
    # read as the hub's own job, audited, like the ingest checks.
    job = f"quarantine download of submission {submission.pk} ({table}) for its own organization"
    con = dataplane.connect()
    with contextlib.closing(con), system_read(job, details={"submission": submission.pk, "table": table}):
        select = ", ".join(quote(c) for c in [*columns, REASONS, "source_file", "source_line"])
        rel = sealing.read_relation(con, path, table).project(select).order("source_file, source_line")
        for batch in rel.to_arrow_reader(1000):
            for row in batch.to_pylist():
                cells = [_cell(row[c], False) for c in columns]
                reasons = "; ".join(row[REASONS] or [])
                writer.writerow(
                    [*cells, _cell(reasons, True), _cell(row["source_file"], True), row["source_line"]]
                )
                yield buffer.take()


class _Line:
    """A write-only text buffer handing out what was written since the last :meth:`take`."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def _header(path: Path) -> list[str]:
    with path.open("rb") as raw:  # problems of the file are reported when read_tabular reads it
        first = next(csv_records(raw, path.name, ParseResult(), delimiter=","), None)
    return [h.lstrip("\ufeff").strip() for h in first[1]] if first else []


def _table_of(header: list[str], original: Submission) -> str | None:
    fitting = [t for t in quarantine_files(original) if set(fix_columns(t)) <= set(header)]
    return max(fitting, key=lambda t: len(fix_columns(t))) if fitting else None


def parse_fixes(original: Submission, paths: Sequence[Path], *, sink: TableSink | None = None) -> ParseResult:
    """Read corrected quarantined rows of ``original`` and check them alone and against the current data."""
    result = ParseResult(sink=sink)
    slug = original.organization.slug
    tables = sorted(quarantine_files(original))
    for path in paths:
        header = _header(path)
        table = _table_of(header, original)
        if table is None:
            result.error(
                "not-a-fix-file",
                path.name,
                1,
                None,
                ", ".join(header)[:100] or None,
                "the header of a quarantine download of submission "
                f"{original.pk} ({' or '.join(tables)}): "
                + ", ".join(fix_columns(tables[0]) if tables else []),
            )
            continue
        mapping = Mapping(table, {c: c for c in fix_columns(table)})
        read_tabular(path, mapping, slug, result)
    result.notes.append(f"corrections of the quarantined rows of submission {original.pk}")
    result.not_kept.clear()  # the extra columns are the hub's own, not the partner's data
    result.notes[:] = [n for n in result.notes if "not kept" not in n]
    validate_result(result, references=False)
    check_against_current(result, slug)
    return result.finish()


def check_against_current(result: ParseResult, org_slug: str) -> None:
    """References must name the organization's current people and schools; keys must be new to the view."""
    from commonground.governance.gate import system_read  # the gate imports the data plane, not this module

    with (
        connection() as con,
        system_read(f"ingest: checking corrections from {org_slug} against current data"),
    ):
        t = Tables(con, result)
        org = org_slug.replace("'", "''")
        for name in ("person", "school"):
            current = dataplane.current_relation(con, name).filter(f"source_org = '{org}'")
            current.create_view(f"cur_{name}")
        for name in t.names:
            _check_refs(result, t, name)
            _check_new_keys(result, t, name, org)


def _check_refs(result: ParseResult, t: Tables, name: str) -> None:
    for column, target, key, refs in (
        ("source_person_id", "person", "source_person_id", PERSON_REFS),
        ("school_id", "school", "school_id", SCHOOL_REFS),
    ):
        if name not in refs or not t.rows(name):
            continue
        if not t.con.sql(f"SELECT count(*) FROM cur_{target}").fetchall()[0][0]:
            continue  # like a submission without people: nothing to check against
        report_unknown_references(
            result,
            t,
            name,
            column,
            key,
            f"cur_{target}",
            column,
            f"a {target} in the organization's current data",
        )


def _check_new_keys(result: ParseResult, t: Tables, name: str, org: str) -> None:
    keys = [k for k in KEYS.get(name, ()) if k != "source_line"]
    if not keys or not t.rows(name):
        return
    current = dataplane.current_relation(t.con, name).filter(f"source_org = '{org}'")
    current.create_view(f"cur_key_{name}")
    match = " AND ".join(f"c.{quote(k)} IS NOT DISTINCT FROM f.{quote(k)}" for k in keys)
    sql = (
        f"SELECT source_file, source_line FROM {t.view(name)} f WHERE {LIVE} AND EXISTS "
        f"(SELECT 1 FROM cur_key_{name} c WHERE {match}) ORDER BY _row LIMIT {MAX_REPORTED}"
    )
    for row in t.query(sql):
        file, line = where(row)
        result.error(
            "duplicate-key",
            file,
            line,
            keys[1] if len(keys) > 1 else keys[0],
            None,
            f"a {name} row whose key is not already in the current data (it was published, not quarantined)",
        )


@transaction.atomic
def do_download_quarantine(*, acting_user: Any, submission: Submission, table: str) -> Iterator[str]:
    """The quarantined rows of one table as CSV lines, with an audit row saying who took them.

    The rows go back to the organization that sent them (a steward, or its own data lead), so this is a
    return of its own records, not a disclosure to a third party; it is audited all the same.
    """
    if table not in quarantine_files(submission):
        raise FixesError(f"submission {submission.pk} has no quarantined {table} rows")
    audit.record(
        actor=acting_user,
        action="ingest.download_quarantine",
        obj=submission,
        summary=f"Downloaded the quarantined {table} rows of submission {submission.pk}",
        details={
            "table": table,
            "rows": submission.report.get("summary", {}).get("quarantined", {}).get(table),
        },
    )
    return quarantine_csv(submission, table)
