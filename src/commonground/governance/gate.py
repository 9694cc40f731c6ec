"""The single disclosure gate: every student-level read for a person passes here (DESIGN.md §5, docs/gate.md).

- :func:`authorize` decides, per student and element, what ``actor`` may see and why (:mod:`.policy`), from facts
  loaded in a fixed number of queries (:mod:`.facts`).
- :func:`disclose` writes the record of disclosures (34 CFR 99.32) for a decision: one ``bulk_create`` inside the
  caller's transaction.
- :func:`read` is the only way code serving people reads student-level rows of the data plane: it keeps the
  allowed students' rows and allowed columns, and records the disclosure.
- :func:`system_read` wraps the hub's own jobs (linkage, indicators, ingest checks, the population index), which
  read the data plane without disclosing anything to a person; it writes an audit row.

``tests/governance/test_gate_coverage.py`` fails when any other code reads the data plane.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.governance import disclosure_writer, facts, policy, policy_index, revision
from commonground.governance import elements as catalog
from commonground.governance.choices import PurposeCategory
from commonground.governance.models import DisclosureRecord, DisclosureRoute, PopulationFact
from commonground.ingest import dataplane
from commonground.ingest.connectors.canonical import SCHEMAS

Decision = policy.Decision
#: What the data plane is being read for right now in this context (None: nothing authorized it).
_ACCESS: contextvars.ContextVar[str | None] = contextvars.ContextVar("commonground_gate_access", default=None)


class GateError(ValueError):
    """A request the gate cannot even consider: an unknown purpose, element, table or route."""


DisclosureOutsideTransactionError = disclosure_writer.DisclosureOutsideTransactionError


def current_access() -> str | None:
    """What authorized the data-plane read under way (``"gate.read:<table>"`` or ``"system:<job>"``), or None."""
    return _ACCESS.get()


def authorize(
    actor: Any, purpose: str, subjects: Iterable[str], elements: Iterable[str], at: dt.datetime | None = None
) -> Decision:
    """Decide what ``actor`` may see of each student (hub person ids) for ``purpose`` at ``at`` (now by default).

    ``purpose`` is a :class:`~commonground.governance.choices.PurposeCategory` value, or
    :data:`policy.OWN_RECORDS` to read one's own organization's records back, or :data:`policy.FAMILY_ACCESS` for a
    verified parent's (or eligible student's) inspection of their own child's records.  Raises :class:`GateError` for an
    unknown purpose or element; never for an unknown student (it is denied like any student outside the population).
    """
    return authorize_many(actor, [(purpose, subjects, elements)], at)[0]


def authorize_many(
    actor: Any, asks: Sequence[tuple[str, Iterable[str], Iterable[str]]], at: dt.datetime | None = None
) -> list[Decision]:
    """One decision per ``(purpose, subjects, elements)`` ask, all at one moment over one load of the facts.

    The same answers as calling :func:`authorize` for each ask (the facts do not depend on the purpose), for a
    page that asks under several purposes without loading the facts of its students once per purpose.
    """
    special = (policy.OWN_RECORDS, policy.FAMILY_ACCESS)
    checked: list[tuple[str, list[str], tuple[str, ...]]] = []
    for purpose, subjects, elements in asks:
        if purpose not in PurposeCategory.values and purpose not in special:
            raise GateError(
                f"unknown purpose {purpose!r}: expected one of {', '.join([*PurposeCategory.values, *special])}"
            )
        try:
            wanted = tuple(catalog.check(elements))
        except catalog.UnknownElementError as exc:
            raise GateError(str(exc)) from None
        checked.append((purpose, [str(s) for s in dict.fromkeys(subjects)], wanted))
    if at is None:
        at = timezone.now()
    if timezone.is_naive(at):
        raise GateError("the time of a decision must be timezone-aware")
    everyone = list(dict.fromkeys(s for _purpose, students, _wanted in checked for s in students))
    loaded = revision.load(actor, everyone, at)
    label = actor.get_username() if loaded.actor.user_id is not None else "anonymous"
    day = timezone.localdate(at)
    return [
        dataclasses.replace(_decide(loaded, purpose, students, wanted, at, day), actor_label=label)
        for purpose, students, wanted in checked
    ]


def _decide(
    loaded: policy.Facts,
    purpose: str,
    students: list[str],
    wanted: tuple[str, ...],
    at: dt.datetime,
    day: dt.date,
) -> Decision:
    """:func:`policy.decide`, or the same decision made earlier when it is sure to be the same answer
    (:func:`policy_index.remembered`: equal facts, same day, no moment of the facts in between)."""
    return policy_index.remembered(
        (purpose, tuple(students), wanted),
        loaded,
        at,
        day,
        lambda: policy.decide(loaded, purpose=purpose, subjects=students, elements=wanted, at=at, day=day),
    )


def _route(route: str) -> str:
    if route not in DisclosureRoute.values:
        raise GateError(f"unknown route {route!r}: expected one of {', '.join(DisclosureRoute.values)}")
    return route


def _records(
    decision: Decision,
    chosen: Mapping[str, list[str]],
    route: str,
    path: str,
    redisclosure_of: Mapping[str, int] | None,
) -> list[DisclosureRecord]:
    """Write one record per student and basis for ``chosen`` (student → elements) and their chain entry."""
    try:
        ids, rows = disclosure_writer.write([(decision, chosen)], route, path, redisclosure_of)
    except disclosure_writer.NoSuchDisclosureError as exc:
        raise GateError(str(exc)) from None
    fields = disclosure_writer.FIELDS
    return [
        DisclosureRecord(pk=pk, **dict(zip(fields, row, strict=True)))
        for pk, row in zip(ids, rows, strict=True)
    ]


def disclose(
    decision: Decision, route: str, *, path: str = "", redisclosure_of: Mapping[str, int] | None = None
) -> list[DisclosureRecord]:
    """Record the disclosure of every allowed element of every allowed student in ``decision``.

    Call inside the transaction that serves the data (raises :class:`DisclosureOutsideTransactionError` otherwise).
    ``redisclosure_of`` maps a student to the id of the disclosure record being passed on (99.32(b), 99.33(b)).
    """
    chosen = {s: list(d.allowed) for s, d in decision.subjects.items() if d.allowed}
    return _records(decision, chosen, _route(route), path, redisclosure_of)


def disclose_shown(
    decision: Decision, shown: Mapping[str, Iterable[str]], route: str, *, path: str = ""
) -> list[DisclosureRecord]:
    """Record the disclosure of exactly the elements ``shown`` (student → elements), each under its basis.

    For a page that shows part of what a decision allows (one page of a list, the figures a student has data
    for).  Raises :class:`GateError` when an element is not allowed for its student, so nothing the gate
    refused can be recorded as lawfully disclosed; call inside the transaction that serves the data.
    """
    return _records(decision, _chosen(decision, shown), _route(route), path, None)


def _chosen(decision: Decision, shown: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """``shown`` checked against ``decision``: :class:`GateError` for any element it does not allow."""
    chosen: dict[str, list[str]] = {}
    for subject, elements in shown.items():
        listed = list(dict.fromkeys(elements))
        verdict = decision.subjects.get(subject)
        refused = [e for e in listed if verdict is None or e not in verdict.allowed]
        if refused:
            raise GateError(f"the decision does not allow {', '.join(refused)} of {subject}")
        if listed:
            chosen[subject] = listed
    return chosen


def disclose_shown_many(
    shown: Sequence[tuple[Decision, Mapping[str, Iterable[str]]]], route: str, *, path: str = ""
) -> int:
    """:func:`disclose_shown` for several decisions about one actor (a page under several purposes): every
    record in one insert and one audit-chain entry.  Returns the number of records written."""
    items = [(decision, _chosen(decision, elements)) for decision, elements in shown]
    ids, _rows = disclosure_writer.write([(d, c) for d, c in items if c], _route(route), path)
    return len(ids)


def _organization_map() -> tuple[dict[int, str], dict[int, int | None]]:
    from commonground.ecosystem.models import Organization

    slugs: dict[int, str] = {}
    parents: dict[int, int | None] = {}
    for pk, slug, parent in Organization.objects.values_list("pk", "slug", "parent_id"):
        slugs[pk], parents[pk] = slug, parent
    return slugs, parents


def read(decision: Decision, table: str, route: str, *, path: str = "") -> pa.Table:
    """The rows of ``table`` the decision allows: a ``hub_person_id`` column plus the allowed columns.

    A row is kept when at least one of its columns is allowed for its student and for the organization that holds
    it (the basis's ``sources``); other cells are null.  The disclosure is recorded for the students whose rows
    are returned, in the same transaction.
    """
    if table not in SCHEMAS:
        raise GateError(f"unknown canonical table {table!r}")
    route = _route(route)
    prefix = f"{table}."
    columns = [e.removeprefix(prefix) for e in catalog.ELEMENTS if e.startswith(prefix)]
    allowed_cells: dict[str, set[tuple[str, str]]] = defaultdict(set)  # column → {(hub id, org slug)}
    slugs, parents = _organization_map()
    wanted = {s for s, d in decision.subjects.items() if any(e.startswith(prefix) for e in d.allowed)}
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for hub_id, org_id, value in (
        PopulationFact.objects.filter(kind="record", hub_person_id__in=facts.among(wanted))
        .order_by()
        .values_list("hub_person_id", "organization_id", "value")
    ):
        holders[hub_id].append((org_id, value))
    pairs: list[tuple[str, str, str]] = []
    for subject in wanted:
        for org_id, person_id in holders[subject]:
            pairs.append((slugs.get(org_id, ""), person_id, subject))
            for element, basis in decision.subjects[subject].allowed.items():
                if element.startswith(prefix) and (
                    org_id in basis.sources or parents.get(org_id) in basis.sources
                ):
                    allowed_cells[element.removeprefix(prefix)].add((subject, slugs.get(org_id, "")))
    shown = [c for c in columns if allowed_cells.get(c)]
    if not shown or not pairs:
        return pa.table({"hub_person_id": pa.array([], pa.string())})
    keys = pa.table(
        {
            "k_org": pa.array([p[0] for p in pairs], pa.string()),
            "k_pid": pa.array([p[1] for p in pairs], pa.string()),
            "hub_person_id": pa.array([p[2] for p in pairs], pa.string()),
        }
    )
    token = _ACCESS.set(f"gate.read:{table}")
    try:
        con = dataplane.connect()
        try:
            dataplane.current_relation(con, table).create_view("gate_rows")
            con.register("gate_keys", keys)
            selected = ", ".join(f't."{c}"' for c in shown)
            rows: pa.Table = con.sql(
                f"SELECT k.hub_person_id, t.source_org AS gate_org, {selected} FROM gate_rows t "  # noqa: S608 - names from the schema
                "JOIN gate_keys k ON t.source_org = k.k_org AND t.source_person_id = k.k_pid"
            ).to_arrow_table()
        finally:
            con.close()
    finally:
        _ACCESS.reset(token)
    cell_keys = pc.binary_join_element_wise(rows["hub_person_id"], rows["gate_org"], "\x1f")
    keep = pa.array([False] * rows.num_rows, pa.bool_())
    out: dict[str, Any] = {"hub_person_id": rows["hub_person_id"]}
    for column in shown:
        mask = pc.is_in(cell_keys, value_set=pa.array([f"{s}\x1f{o}" for s, o in allowed_cells[column]]))
        out[column] = pc.if_else(mask, rows[column], pa.scalar(None, rows.schema.field(column).type))
        keep = pc.or_(keep, mask)
    result = pa.table(out).filter(keep)
    seen = set(result["hub_person_id"].to_pylist())
    shown_to: dict[str, set[str]] = defaultdict(set)  # student → columns shown for at least one record
    for column in shown:
        for subject, _org in allowed_cells[column]:
            shown_to[subject].add(column)
    chosen = {s: [f"{prefix}{c}" for c in shown if c in shown_to[s]] for s in decision.subjects if s in seen}
    with transaction.atomic():
        _records(decision, chosen, route, path or f"read {table}", None)
    return result


@contextlib.contextmanager
def system_read(job: str, *, actor: Any = None, details: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Mark the block as the hub's own job reading the data plane (not a disclosure to a person); audited.

    Example:
        >>> with system_read("linkage run 12"):  # doctest: +SKIP
        ...     rel = dataplane.current_relation(con, "person")
    """
    if not job.strip():
        raise GateError("name the job that reads the data plane")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="gate.system_read",
            summary=f"System job read the data plane: {job}"[:300],
            details=dict(details or {}),
        )
    token = _ACCESS.set(f"system:{job}")
    try:
        yield
    finally:
        _ACCESS.reset(token)
