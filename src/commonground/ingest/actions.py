"""Ingesting a partner's files: hash, parse, validate, publish, and record — whole or not at all."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest import dataplane, fixes, policy, sealing
from commonground.ingest.choices import Semantics, SubmissionFormat, SubmissionStatus
from commonground.ingest.connectors.canonical import PII_COLUMNS, data_field_names
from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.ingest.connectors.mapping import Mapping
from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.ingest.connectors.quarantine import Limits, Split, split_quarantine
from commonground.ingest.connectors.report import Issue, ParseResult, identifying_column
from commonground.ingest.connectors.sink import ParquetSink, TableSink
from commonground.ingest.connectors.tabular import read_tabular
from commonground.ingest.connectors.validate import validate_result
from commonground.ingest.models import Submission, SubmissionFile

#: At most this many issues are kept in a submission's stored report (the summary counts all of them).
MAX_REPORT_ISSUES = 500


def expand_files(paths: Sequence[Path]) -> list[tuple[str, Path]]:
    """Every regular file named by ``paths`` (folders expanded recursively, hidden files skipped), by name."""
    files: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path)
                if f.is_file() and not any(part.startswith(".") for part in rel.parts):
                    files.append((f"{path.name}/{rel.as_posix()}", f))
        else:
            files.append((path.name, path))
    return files


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(file_hashes: list[str], fmt: str, org_slug: str, mapping: Mapping | None = None) -> str:
    """SHA-256 over the sorted file hashes, the format and the organization (and the mapping, if any)."""
    parts = [*sorted(file_hashes), fmt, org_slug]
    if mapping is not None:
        parts.append(json.dumps(dataclasses.asdict(mapping), sort_keys=True, default=str))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def parse(
    fmt: str, paths: Sequence[Path], org_slug: str, mapping: Mapping | None, *, sink: TableSink | None = None
) -> ParseResult:
    """Run the connector for ``fmt`` over the submission's paths (validated together, as one submission).

    With a ``sink`` (``do_ingest`` passes a :class:`~.connectors.sink.ParquetSink` in a staging folder) the
    canonical rows stream into it batch by batch and the result keeps only counts and issues.
    """
    result = ParseResult(sink=sink)
    if fmt == SubmissionFormat.ONEROSTER:
        return parse_oneroster(paths[0] if len(paths) == 1 else list(paths), org_slug, result=result)
    if fmt == SubmissionFormat.EDFI_XML:
        return parse_edfi_xml(list(paths), org_slug, result=result)
    if fmt == SubmissionFormat.TABULAR:
        if mapping is None:
            raise ValueError("tabular submissions need a mapping")
        for path in paths:
            read_tabular(path, mapping, org_slug, result)
        validate_result(result)
        return result.finish()
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(SubmissionFormat.values)}")


def completeness(tables: dict[str, pa.Table]) -> dict[str, dict[str, float]]:
    """Share of non-empty values per partner-supplied column of each table (1.0 = always filled)."""
    out: dict[str, dict[str, float]] = {}
    for name, table in sorted(tables.items()):
        if table.num_rows == 0:
            continue
        out[name] = {
            col: round(1 - table.column(col).null_count / table.num_rows, 4) for col in data_field_names(name)
        }
    return out


def build_report(result: ParseResult, split: Split | None = None) -> dict[str, Any]:
    """The stored validation report: summary, issues (capped), notes, completeness, columns not kept.

    With a quarantine ``split``, ``summary.rows`` counts the published rows and ``summary.quarantined`` the
    rows held back per table.
    """
    quarantined = dict(split.quarantined) if split is not None else {}
    identifying = {result.column_label("person", c) for c in PII_COLUMNS} | PII_COLUMNS
    return {
        "summary": {
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "rows_read": dict(result.rows_read),
            "rows": result.rows(),
            "quarantined": quarantined,
            "quarantined_rows": sum(quarantined.values()),
        },
        "issues": [_stored(i, identifying).as_dict() for i in result.issues[:MAX_REPORT_ISSUES]],
        "issues_listed": min(len(result.issues), MAX_REPORT_ISSUES),
        "notes": list(result.notes),
        "completeness": result.completeness(),
        "not_kept": {file: list(cols) for file, cols in result.not_kept.items()},
    }


def _stored(issue: Issue, identifying: set[str]) -> Issue:
    """Issues about identifying columns keep where they are but not the value (it would sit in the database)."""
    return issue.withheld() if identifying_column(issue.column, identifying) else issue


def _find_accepted(organization: Organization, fp: str) -> Submission | None:
    found = Submission.objects.filter(
        organization=organization, fingerprint=fp, status=SubmissionStatus.ACCEPTED
    ).first()
    if found is not None:
        found.is_duplicate = True
    return found


def do_ingest(
    *,
    acting_user: Any,
    organization: Organization,
    fmt: str,
    paths: Sequence[Path],
    mapping: Mapping | None = None,
    system: InformationSystem | None = None,
    fixes_for: Submission | None = None,
) -> Submission:
    """Ingest one submission of files from ``organization``; return its manifest row.

    The same files (same format, organization and mapping) a second time return the accepted submission
    with ``is_duplicate`` set and publish nothing. Structural errors reject the whole submission: its report
    is stored, its data never published. Row-level errors quarantine their rows instead while each table's
    bad rows stay within the organization's :class:`~.models.IngestPolicy` (see :mod:`.connectors.quarantine`);
    beyond it the submission is rejected. Accepted data becomes visible only when the manifest row and its
    audit row commit together, after the batch folders were written, fsynced and renamed into place.

    ``fixes_for`` names an accepted submission with quarantined rows; the files are then its corrected
    quarantined rows (the CSV the report offers, see :mod:`.fixes`), checked against the current data and
    published as their own batch (a delta for roster tables). ``fmt`` and ``mapping`` are ignored.

    Example:
        >>> sub = do_ingest(acting_user=None, organization=org, fmt="oneroster", paths=[Path("export.zip")])
        >>> sub.status, sub.row_counts["person"]
        ('accepted', 8)
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("a submission needs at least one file")
    if fixes_for is not None:
        fixes.check_fixable(fixes_for, organization)
        fmt, mapping = SubmissionFormat.TABULAR, None
    listed = expand_files(paths)
    # Hash and look for a duplicate before anything is parsed or staged: a duplicate must start no work at all
    # (parsing concurrently with the check let a held writer wait forever for a release that never came).
    files = [(name, path, path.stat().st_size, sha256_file(path)) for name, path in listed]
    kind = fmt if fixes_for is None else f"fixes-for-{fixes_for.pk}"
    fp = fingerprint([h for *_rest, h in files], kind, organization.slug, mapping)
    existing = _find_accepted(organization, fp)
    if existing is not None:
        return existing
    with dataplane.staging_area() as staging:
        submission = _receive(acting_user, organization, system, fmt, fp, files, fixes_for, staging.name)
        sink = ParquetSink(staging, submission.pk)
        try:
            if fixes_for is None:
                result = parse(fmt, paths, organization.slug, mapping, sink=sink)
            else:
                result = fixes.parse_fixes(fixes_for, [p for _n, p in listed], sink=sink)
        finally:
            sink.abort()  # stops the writer unless the parse finished; a no-op once closed
        limits = policy.limits_getter(organization, system)
        return _decide(acting_user, submission, result, files[0][0] if files else "", staging, limits)


@transaction.atomic
def _receive(
    acting_user: Any,
    organization: Organization,
    system: InformationSystem | None,
    fmt: str,
    fp: str,
    files: list[tuple[str, Path, int, str]],
    fixes_for: Submission | None = None,
    staging: str = "",
) -> Submission:
    """The manifest row of a new submission, status received, with its files."""
    submission = Submission.objects.create(
        organization=organization,
        staging=staging,
        system=system,
        fixes_for=fixes_for,
        format=fmt,
        submitted_by=acting_user if getattr(acting_user, "pk", None) else None,
        submitted_at=timezone.now(),
        fingerprint=fp,
    )
    SubmissionFile.objects.bulk_create(
        SubmissionFile(submission=submission, name=name, size=size, sha256=sha)
        for name, _path, size, sha in files
    )
    return submission


def _decide(
    acting_user: Any,
    submission: Submission,
    result: ParseResult,
    first_file: str,
    staging: Path,
    limits: Callable[[str], Limits],
) -> Submission:
    """Record the report and accept (publish the staged batch, bad rows quarantined) or reject."""
    read = [name for name, rows in result.rows().items() if rows]
    split = split_quarantine(result, limits, temp_directory=staging) if read else Split()
    tables = [name for name, rows in result.rows().items() if rows]
    submission.row_counts = result.rows()
    submission.report = build_report(result, split if not split.rejected else None)
    submission.dataset = "+".join(sorted(tables)) or "empty"
    submission.semantics = (
        Semantics.REPLACE if any(dataplane.semantics(t) == "replace" for t in tables) else Semantics.APPEND
    )
    submission.delta_tables = sorted(
        t
        for t in tables
        if dataplane.semantics(t) == "replace" and (t in result.delta_tables or submission.fixes_for_id)
    )
    if split.rejected:
        submission.report["notes"].insert(0, f"rejected, not quarantined: {split.rejected}")
    if split.rejected or not tables or (not result.ok and not split.quarantined):
        if not tables and (result.ok or split.quarantined):
            submission.report["summary"]["errors"] = 1
            submission.report["issues"].append(
                {
                    "severity": "error",
                    "code": "no-data",
                    "file": first_file,
                    "line": None,
                    "column": None,
                    "value": None,
                    "expected": "at least one row of a canonical table",
                    "message": "no rows found; expected at least one row of a canonical table [no-data]",
                }
            )
        return _reject(acting_user, submission)
    submission.quarantined_rows = split.total
    submission.status = SubmissionStatus.VALIDATED
    submission.save()
    return _publish(acting_user, submission, staging)


@transaction.atomic
def _reject(acting_user: Any, submission: Submission) -> Submission:
    submission.status = SubmissionStatus.REJECTED
    submission.decided_at = timezone.now()
    submission.save()
    summary = submission.report["summary"]
    audit.record(
        actor=acting_user,
        action="ingest.reject_submission",
        obj=submission,
        summary=f"Rejected {submission.format} submission from {submission.organization.slug}",
        details={"errors": summary["errors"], "fingerprint": submission.fingerprint},
    )
    return submission


def _publish(acting_user: Any, submission: Submission, staging: Path) -> Submission:
    slug = submission.organization.slug
    sealing.seal_staging(staging, slug)  # identifying columns encrypted before publishing, outside the lock
    with dataplane.publish_lock():
        dataplane.recover()
        close_interrupted()
        existing = _find_accepted(submission.organization, submission.fingerprint)
        if existing is not None:  # the same files were accepted while we parsed
            submission.report["notes"].append(f"duplicate of submission {existing.pk}; not published")
            _reject(acting_user, submission)
            return existing
        dataplane.sync_tree(staging)
        dataplane.move_into_place(staging, slug, submission.pk)
        _commit_accepted(acting_user, submission)
    return submission


def close_interrupted() -> list[int]:
    """Reject the submissions whose ingest died (killed, power lost) before deciding; return their ids.

    Call with the publish lock held, after :func:`dataplane.recover`: a running ingest keeps its staging folder
    (locked, so recovery leaves it), while a dead one's folder is gone — its manifest row would otherwise stay
    "received" or "validated" forever. Nothing of it was published, so nothing else changes.
    """
    root = dataplane.data_dir() / ".staging"
    open_rows = Submission.objects.filter(
        status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.VALIDATED]
    ).exclude(staging="")
    dead = [s for s in open_rows if not (root / s.staging).exists()]
    for submission in dead:
        submission.report = {
            **(submission.report or {}),
            "summary": {**(submission.report or {}).get("summary", {}), "errors": 1},
            "issues": [
                {
                    "severity": "error",
                    "code": "interrupted",
                    "file": "",
                    "line": None,
                    "column": None,
                    "value": None,
                    "expected": "the ingest to run to its end",
                    "message": "the ingest stopped before it finished (the process ended); nothing was published "
                    "[interrupted]",
                }
            ],
        }
        _reject(None, submission)
    return [s.pk for s in dead]


@transaction.atomic
def _commit_accepted(acting_user: Any, submission: Submission) -> None:
    submission.status = SubmissionStatus.ACCEPTED
    submission.decided_at = timezone.now()
    submission.batch_path = f"batches/*/org={submission.organization.slug}/submission={submission.pk}"
    submission.save()
    audit.record(
        actor=acting_user,
        action="ingest.accept_submission",
        obj=submission,
        summary=f"Accepted {submission.format} submission from {submission.organization.slug}",
        details={
            "rows": submission.row_counts,
            "quarantined": submission.report.get("summary", {}).get("quarantined", {}),
            "fixes_for": submission.fixes_for_id,
            "fingerprint": submission.fingerprint,
        },
    )
