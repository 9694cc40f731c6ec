"""Pull Ed-Fi API resources page by page into one :class:`ParseResult`, like one XML submission.

A full pull asks for every resource as of the newest change version; an incremental pull asks for the changes
in a window of change versions and for the resources deleted in it (tombstones). Every page is handed to
``on_page`` as it arrives (the hub stores it as a file of the submission), then mapped and dropped, so memory
holds canonical rows, never the raw pages. A page whose item count disagrees with ``Total-Count`` is an error
of the pull (data may be missing); the result is not validated here (the caller may merge first).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .canonical import KEYS, schema
from .edfi_api import DEFAULT_LIMIT, EdfiApiClient, Page
from .edfi_api_resources import json_label, last_modified, record_tag, supported, to_element, tombstones
from .edfi_records import EdfiState, handler_for
from .report import ParseResult, truncate

#: Person fields that come from studentEducationOrganizationAssociations (sex too, when the student lacks it).
CONTACT_FIELDS = ("address", "city", "state", "postal_code", "phone", "email")
#: Person fields an association fills only when it knows them (a student's own record may carry them too).
FILLED_FIELDS = ("sex", "race_ethnicity")


@dataclass(frozen=True)
class Window:
    """Which change versions of a resource to pull: everything (``min_change_version`` None) or a window."""

    min_change_version: int | None = None
    max_change_version: int | None = None

    @property
    def incremental(self) -> bool:
        """True when only changes (and deletes) are asked for."""
        return self.min_change_version is not None


@dataclass
class PullResult:
    """What a pull found: canonical rows and issues, per-resource figures, and contact updates to merge.

    ``contact_updates`` are the contact details (from studentEducationOrganizationAssociations) of students
    that did not change themselves in this pull; ``contact_ids`` are all students whose contacts were pulled.
    """

    result: ParseResult
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    contact_ids: set[str] = field(default_factory=set)
    contact_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: int = 0


def _check_page(result: ParseResult, page: Page, first_total: int | None) -> None:
    if page.total_count is None:
        if page.number == 1:
            result.warning(
                "no-total-count",
                page.resource,
                None,
                None,
                None,
                "a Total-Count header (asked with totalCount=true); paged until a short page",
            )
        return
    if page.total_count != first_total:
        result.error(
            "total-count-changed",
            page.resource,
            None,
            f"page {page.number}",
            f"Total-Count {page.total_count}",
            f"Total-Count {first_total} as on page 1 (the data changed during the pull; pull again)",
        )
    elif len(page.items) != page.expected:
        result.error(
            "page-count-mismatch",
            page.resource,
            None,
            f"page {page.number} (offset {page.offset})",
            f"{len(page.items)} items",
            f"{page.expected} items (Total-Count {page.total_count}, limit {page.limit}); data may be missing",
        )


def _bad_item(result: ParseResult, page: Page, line: int, item: object, expected: str) -> None:
    result.error("bad-item", page.resource, line, None, truncate(json.dumps(item, default=str)), expected)


def _pull_resource(
    client: EdfiApiClient,
    state: EdfiState,
    resource: str,
    window: Window,
    limit: int,
    on_page: Callable[[Page], None],
    stamps: dict[str, list[dt.datetime | None]],
) -> dict[str, Any]:
    tag = record_tag(resource)
    handler = handler_for(tag)
    if handler is None:
        raise ValueError(f"unsupported Ed-Fi resource {resource!r}")
    figures: dict[str, Any] = {
        "mode": "incremental" if window.incremental else "full",
        "min_change_version": window.min_change_version,
        "max_change_version": window.max_change_version,
        "items": 0,
        "deletes": 0,
        "pages": 0,
        "total_count": None,
    }
    for deletes in (False, True) if window.incremental else (False,):
        pages = client.pages(
            resource,
            limit=limit,
            min_change_version=window.min_change_version,
            max_change_version=window.max_change_version,
            deletes=deletes,
        )
        line, first_total = 0, None
        for page in pages:
            on_page(page)
            figures["pages"] += 1
            first_total = page.total_count if page.number == 1 else first_total
            _check_page(state.result, page, first_total)
            for item in page.items:
                line += 1
                if deletes:
                    rows = tombstones(tag, item, page.resource, line, state.source_org)
                    if rows is None:
                        _bad_item(state.result, page, line, item, "a deleted resource with keyValues")
                    for table, row in rows or ():
                        state.add(table, row)
                elif isinstance(item, Mapping):
                    handler(state, to_element(item, tag, line), page.resource)
                    stamps.setdefault(page.resource, []).append(last_modified(item))
                else:
                    _bad_item(state.result, page, line, item, "a JSON object (one resource)")
                    stamps.setdefault(page.resource, []).append(None)
        state.result.rows_read[f"{resource}/deletes" if deletes else resource] = line
        figures["deletes" if deletes else "items"] = line
        if not deletes:
            figures["total_count"] = first_total
    return figures


def _stamp(
    tables: Mapping[str, pa.Table], stamps: dict[str, list[dt.datetime | None]], incremental: set[str]
) -> dict[str, pa.Table]:
    """Fill ``date_last_modified`` from ``_lastModifiedDate`` and mark changed rows ``active`` in a delta."""
    out = {}
    for name, table in tables.items():
        if table.num_rows:
            files = table.column("source_file").to_pylist()
            lines = table.column("source_line").to_pylist()
            modified = [
                stamps[f][n - 1] if f in stamps and n and n <= len(stamps[f]) else None
                for f, n in zip(files, lines, strict=True)
            ]
            in_delta = pc.is_in(
                table.column("source_file"), value_set=pa.array(sorted(incremental), pa.string())
            )
            status = table.column("record_status")
            for column, values in (
                ("record_status", pc.if_else(pc.and_(pc.is_null(status), in_delta), "active", status)),
                ("date_last_modified", pa.array(modified, pa.timestamp("us", tz="UTC"))),
            ):
                index = table.schema.get_field_index(column)
                table = table.set_column(index, table.schema.field(index), values)
        out[name] = table
    return out


def with_tables(result: ParseResult, tables: Mapping[str, pa.Table]) -> ParseResult:
    """A fresh result with ``result``'s issues, notes and labels, and ``tables`` as its in-memory tables."""
    out = ParseResult(
        tables=dict(tables),
        rows_read=dict(result.rows_read),
        notes=list(result.notes),
        source_columns={table: dict(cols) for table, cols in result.source_columns.items()},
        birth_sources=dict(result.birth_sources),
    )
    out.issues = list(result.issues)
    out._kind_counts.update(result._kind_counts)  # counts include the issues beyond the listing cap
    return out


def pull(
    client: EdfiApiClient,
    source_org: str,
    windows: Mapping[str, Window],
    *,
    limit: int = DEFAULT_LIMIT,
    on_page: Callable[[Page], None] | None = None,
) -> PullResult:
    """Pull each resource (``"ed-fi/students"`` → its window) and map it to canonical rows.

    Example:
        >>> pulled = pull(client, "grand-bend", {"ed-fi/students": Window(None, 200)}, limit=10)  # doctest: +SKIP
        >>> pulled.result.rows()["person"], pulled.resources["ed-fi/students"]["pages"]  # doctest: +SKIP
        (25, 3)
    """
    unsupported = [r for r in windows if not supported(r)]
    if unsupported:
        raise ValueError(f"unsupported Ed-Fi resource(s): {', '.join(unsupported)}")
    raw = ParseResult()
    state = EdfiState(source_org, raw)
    stamps: dict[str, list[dt.datetime | None]] = {}
    figures: dict[str, dict[str, Any]] = {}
    for resource, window in windows.items():
        figures[resource] = _pull_resource(
            client, state, resource, window, limit, on_page or (lambda _page: None), stamps
        )
    state.finish()
    raw.close_tables()
    incremental = {r for r, w in windows.items() if w.incremental}
    result = with_tables(raw, _stamp(raw.tables, stamps, incremental))
    pulled = PullResult(
        result,
        figures,
        contact_ids=set(state.contacts),
        contact_updates={sid: c for sid, c in state.contacts.items() if sid not in state.people},
        pages=sum(f["pages"] for f in figures.values()),
    )
    files = set(windows) | {f"{r}/deletes" for r in windows}
    result.issues = [
        dataclasses.replace(i, column=json_label(i.column)) if i.file in files else i for i in result.issues
    ]
    result.source_columns = {
        table: {name: json_label(label) or label for name, label in cols.items()}
        for table, cols in result.source_columns.items()
    }
    for resource, f in figures.items():
        span = (
            f" (changes {f['min_change_version']}–{f['max_change_version']})"
            if f["mode"] == "incremental"
            else ""
        )
        deleted = f", {f['deletes']} deleted" if f["mode"] == "incremental" else ""
        result.notes.append(f"{resource}: {f['items']} items{deleted} on {f['pages']} page(s){span}")
    return pulled


def merge_roster(
    name: str, previous: pa.Table | None, delta: pa.Table, pulled: PullResult
) -> tuple[pa.Table, dict[str, int]]:
    """The previous roster with the delta's changed rows upserted (by natural key) and tombstoned rows removed.

    A tombstone removes every row that matches all of its known key values (a deleted enrollment's key has no
    school year). A student whose contact details (studentEducationOrganizationAssociation) changed without the
    student changing gets the new details; a changed student whose contacts were not pulled keeps the old ones.
    """
    keys = KEYS[name]
    rows = delta.to_pylist()
    changed = {tuple(r[k] for k in keys): r for r in rows if r["record_status"] != "tobedeleted"}
    gone: dict[tuple[str, ...], set[tuple[Any, ...]]] = {}
    for row in rows:
        if row["record_status"] == "tobedeleted" and row.get(keys[1]) is not None:
            cols = tuple(k for k in keys if row.get(k) is not None)
            gone.setdefault(cols, set()).add(tuple(row[k] for k in cols))
    out: list[dict[str, Any]] = []
    counts = {"carried": 0, "updated": 0, "added": 0, "deleted": 0}
    for row in previous.to_pylist() if previous is not None else []:
        key = tuple(row[k] for k in keys)
        if key in changed:
            counts["updated"] += 1
            if name == "person" and row["source_person_id"] not in pulled.contact_ids:
                new = changed[key]
                for f in (*CONTACT_FIELDS, *FILLED_FIELDS):
                    new[f] = row.get(f) if new.get(f) is None else new[f]
        elif any(tuple(row[k] for k in cols) in values for cols, values in gone.items()):
            counts["deleted"] += 1
        else:
            counts["carried"] += 1
            update = (
                pulled.contact_updates.get(row.get("source_person_id") or "") if name == "person" else None
            )
            if update:
                row.update({f: update[f] for f in CONTACT_FIELDS})
                row["sex"] = row.get("sex") or update["sex"]
                # Race/ethnicity is only on the association: its newer value wins when it has one.
                row["race_ethnicity"] = update.get("race_ethnicity") or row.get("race_ethnicity")
            out.append(row)
    counts["added"] = len(changed) - counts["updated"]
    out.extend(changed.values())
    for row in out:
        row["record_status"] = None  # the merged roster is a whole snapshot, not a delta
    return pa.Table.from_pylist(out, schema=schema(name)), counts
