"""Pulling a partner's Ed-Fi ODS/API into the hub: one pull is one submission, validated and published whole.

Incremental by default: the newest change version a pull read is kept in its submission's report
(``report["edfi_api"]["max_change_version"]``); the next pull from the same API asks only for the changes above
it and for what was deleted since. The raw JSON pages are saved under the data folder
(``inbox/edfi-api/<org>/<timestamp>/``) as the submission's files, with their SHA-256, like uploaded files —
sealed as they are written, under the organization's data key (:mod:`.inbox_sealing`; the hash is of the page as
received).

How a delta lands in the data plane (DESIGN.md §4): roster tables (person, school, organization, enrollment) are
replaced by their latest batch, so an incremental pull publishes the previous pull's roster with the changes
applied and the deleted rows removed. Event tables add up, so it publishes the changed rows (``record_status``
``active``) and one tombstone per deleted resource (``tobedeleted``, with the key values the API gave).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest import dataplane, inbox_sealing, sealing
from commonground.ingest.actions import _publish, _reject, build_report, fingerprint
from commonground.ingest.choices import Semantics, SubmissionFormat, SubmissionStatus
from commonground.ingest.connectors.canonical import schema
from commonground.ingest.connectors.edfi_api import (
    DEFAULT_LIMIT,
    ChangeVersions,
    EdfiApiClient,
    EdfiApiError,
    Page,
)
from commonground.ingest.connectors.edfi_api_pull import PullResult, Window, merge_roster, pull, with_tables
from commonground.ingest.connectors.edfi_api_resources import DEFAULT_RESOURCES, resource_path, supported
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.sink import ParquetSink
from commonground.ingest.connectors.validate import Tables, check_references, connection, validate_result
from commonground.ingest.models import Submission, SubmissionFile

#: The submission format of API pulls.
FORMAT = SubmissionFormat.EDFI_API


def last_pull(organization: Organization, base_url: str) -> Submission | None:
    """The latest accepted pull from this organization's API at ``base_url`` (where the next one resumes)."""
    return (
        Submission.objects.filter(
            organization=organization,
            format=FORMAT,
            status=SubmissionStatus.ACCEPTED,
            report__edfi_api__base_url=base_url,
        )
        .order_by("-decided_at", "-id")
        .first()
    )


def plan(
    previous: Submission | None, versions: ChangeVersions | None, resources: Sequence[str], full: bool
) -> tuple[dict[str, Window], list[str]]:
    """Each resource's window of change versions, and notes on why a pull is full when it had to be."""
    newest = versions.newest if versions else None
    everything = {r: Window(None, newest) for r in resources}
    last = previous.report["edfi_api"].get("max_change_version") if previous is not None else None
    if full:
        return everything, []
    if versions is None:
        return everything, ["the API offers no change queries (404): pulled everything"]
    if previous is None or last is None:
        return everything, []
    if last > versions.newest:
        return everything, [
            f"the API's newest change version {versions.newest} is below the last one pulled ({last}); "
            "the ODS was restored or rebuilt: pulled everything"
        ]
    if last + 1 < versions.oldest:
        return everything, [
            f"changes after version {last} are no longer kept (oldest is {versions.oldest}): pulled everything"
        ]
    before = previous.report["edfi_api"].get("resources", {})
    return {r: Window(last + 1, newest) if r in before else Window(None, newest) for r in resources}, []


class _Inbox:
    """The pull's folder of raw pages; each page is hashed and written sealed (0600, fsynced) as it arrives."""

    def __init__(self, folder: Path, org_slug: str) -> None:
        folder.mkdir(parents=True, mode=0o700)
        self.folder = folder
        self.org_slug = org_slug
        self.files: list[tuple[str, Path, int, str]] = []
        self.pages: list[dict[str, Any]] = []

    def write(self, name: str, data: bytes) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists():
            raise FileExistsError(f"{path} was written already in this pull")
        if sealing.ENABLED:  # never in plaintext on disk: the page is in memory already
            delivery = self.folder.name
            inbox_sealing.write_sealed(path, data, org_slug=self.org_slug, delivery=delivery, name=name)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        self.files.append((name, path, len(data), hashlib.sha256(data).hexdigest()))

    def page(self, page: Page) -> None:
        name = f"{page.resource}/page-{page.number:04d}.json"
        self.write(name, page.body)
        self.pages.append(
            {"file": name, "url": page.url, "items": len(page.items), "total_count": page.total_count}
        )


def _previous_table(previous: Submission, name: str) -> pa.Table | None:
    """The table as the latest earlier pull from the same API that carried it published it."""
    earlier = Submission.objects.filter(
        organization=previous.organization,
        format=FORMAT,
        status=SubmissionStatus.ACCEPTED,
        report__edfi_api__base_url=previous.report["edfi_api"]["base_url"],
    ).order_by("-decided_at", "-id")
    for sub in earlier.only("id"):
        path = dataplane.batch_dir(name, previous.organization.slug, sub.pk) / dataplane.PART
        if path.exists():
            return sealing.read_table(path, name)  # identifying columns decrypted for the merge
    return None


def _validate(
    result: ParseResult, previous: Submission | None, pulled: PullResult, incremental: bool
) -> tuple[ParseResult, dict[str, Any]]:
    """Validate the pulled rows; a delta's rosters are merged first and references checked against them.

    Returns the result to publish (for a delta: the merged rosters and the changed events) and merge counts.
    """
    if not incremental or previous is None:
        validate_result(result)
        return result, {}
    validate_result(result, references=False)
    names = {n for n, t in result.tables.items() if n in dataplane.REPLACE_TABLES and t.num_rows}
    names |= {"person"} if pulled.contact_updates else set()
    tables, counts = dict(result.tables), {}
    for name in sorted(names):
        delta = tables.get(name, schema(name).empty_table())
        tables[name], counts[name] = merge_roster(name, _previous_table(previous, name), delta, pulled)
    merged = with_tables(result, tables)
    with connection() as con:
        check_references(merged, Tables(con, merged))
    return merged, counts


def _tombstones(result: ParseResult) -> dict[str, int]:
    counts = {}
    for name, table in result.tables.items():
        n = table.column("record_status").to_pylist().count("tobedeleted")
        if n:
            counts[name] = n
    return counts


def do_pull_edfi_api(
    *,
    acting_user: Any,
    organization: Organization,
    base_url: str,
    client_id: str,
    client_secret: str,
    resources: Sequence[str] | None = None,
    full: bool = False,
    system: InformationSystem | None = None,
    page_size: int = DEFAULT_LIMIT,
    client_options: Mapping[str, Any] | None = None,
) -> Submission:
    """Pull ``organization``'s Ed-Fi ODS/API (v7, Data Standard 5) and ingest it as one submission.

    Incremental unless ``full`` or there is no earlier accepted pull from the same ``base_url``. When nothing
    changed since the last pull, that pull's submission is returned with ``is_duplicate`` set. Transport
    failures (refused credentials, unreachable host...) raise :class:`EdfiApiError` and store nothing.

    Example:
        >>> sub = do_pull_edfi_api(acting_user=None, organization=org, base_url="https://ods.example.org/api",
        ...                        client_id="key", client_secret=os.environ["EDFI_CLIENT_SECRET"])  # doctest: +SKIP
        >>> sub.status, sub.report["edfi_api"]["max_change_version"]  # doctest: +SKIP
        ('accepted', 1234)
    """
    paths = [resource_path(r) for r in (resources or DEFAULT_RESOURCES)]
    unsupported = [p for p in paths if not supported(p)]
    if unsupported:
        raise ValueError(f"unsupported Ed-Fi resource(s): {', '.join(unsupported)}")
    base_url = base_url.rstrip("/")
    client = EdfiApiClient(base_url, client_id, client_secret, **(client_options or {}))
    versions = client.available_change_versions()
    previous = last_pull(organization, base_url)
    windows, notes = plan(previous, versions, paths, full)
    incremental = any(w.incremental for w in windows.values())
    if (
        previous is not None
        and versions is not None
        and windows
        and all(
            w.incremental and w.min_change_version is not None and w.min_change_version > versions.newest
            for w in windows.values()
        )
    ):
        previous.is_duplicate = True  # nothing changed since the last pull
        return previous

    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    relative = Path("inbox") / "edfi-api" / organization.slug / stamp
    inbox = _Inbox(dataplane.data_dir() / relative, organization.slug)
    try:
        pulled = pull(client, organization.slug, windows, limit=page_size, on_page=inbox.page)
    except BaseException:
        shutil.rmtree(inbox.folder, ignore_errors=True)
        raise
    summary: dict[str, Any] = {
        "base_url": base_url,
        "client_id": client_id,
        "mode": "incremental" if incremental else "full",
        "oldest_change_version": versions.oldest if versions else None,
        "newest_change_version": versions.newest if versions else None,
        "min_change_version": min(
            (w.min_change_version for w in windows.values() if w.min_change_version is not None), default=None
        ),
        "max_change_version": versions.newest if versions else None,
        "resources": pulled.resources,
        "pages": pulled.pages,
        "previous_submission": previous.pk if previous is not None and incremental else None,
        "reasons": notes,
    }
    inbox.write("pull.json", json.dumps({**summary, "pages": inbox.pages}, indent=2, sort_keys=True).encode())
    pulled.result.notes[:0] = notes
    result, merged = _validate(pulled.result, previous, pulled, incremental)
    result.finish()
    summary.update(
        merged=merged,
        tombstones=_tombstones(result),
        requests=client.stats.requests,
        retries=client.stats.retries,
        inbox=relative.as_posix(),
    )
    return _record(acting_user, organization, system, inbox, result, summary, incremental)


def _record(
    acting_user: Any,
    organization: Organization,
    system: InformationSystem | None,
    inbox: _Inbox,
    result: ParseResult,
    summary: dict[str, Any],
    incremental: bool,
) -> Submission:
    fp = fingerprint([sha for *_rest, sha in inbox.files], FORMAT, organization.slug)
    existing = Submission.objects.filter(
        organization=organization, fingerprint=fp, status=SubmissionStatus.ACCEPTED
    ).first()
    if existing is not None:  # the very same pages were accepted before
        shutil.rmtree(inbox.folder, ignore_errors=True)
        existing.is_duplicate = True
        return existing
    with transaction.atomic():
        submission = Submission.objects.create(
            organization=organization,
            system=system,
            format=FORMAT,
            submitted_by=acting_user if getattr(acting_user, "pk", None) else None,
            submitted_at=timezone.now(),
            fingerprint=fp,
        )
        SubmissionFile.objects.bulk_create(
            SubmissionFile(submission=submission, name=name, size=size, sha256=sha)
            for name, _path, size, sha in inbox.files
        )
    tables = {name: t for name, t in result.tables.items() if t.num_rows}
    submission.row_counts = result.rows()
    submission.report = {**build_report(result), "edfi_api": summary}
    submission.dataset = "+".join(sorted(tables)) or "no changes"
    submission.semantics = (
        Semantics.REPLACE if any(dataplane.semantics(t) == "replace" for t in tables) else Semantics.APPEND
    )
    if not result.ok or (not tables and not incremental):
        if result.ok:
            submission.report["summary"]["errors"] = 1
            submission.report["issues"].append(
                {
                    "severity": "error",
                    "code": "no-data",
                    "file": summary["base_url"],
                    "line": None,
                    "column": None,
                    "value": None,
                    "expected": "at least one resource (check the client's claim set and the resources asked for)",
                    "message": f"{summary['base_url']}: no resources found; expected at least one [no-data]",
                }
            )
        return _reject(acting_user, submission)
    submission.status = SubmissionStatus.VALIDATED
    submission.save()
    with dataplane.staging_area() as staging:
        Submission.objects.filter(pk=submission.pk).update(
            staging=staging.name
        )  # see actions.close_interrupted
        sink = ParquetSink(staging, submission.pk)
        try:
            for name, table in tables.items():
                for batch in table.to_batches():
                    sink.write(name, batch)
            sink.close()
        finally:
            sink.abort()  # stops the writer thread if writing failed; a no-op once closed
        return _publish(acting_user, submission, staging)


__all__ = ["FORMAT", "EdfiApiError", "do_pull_edfi_api", "last_pull", "plan"]
