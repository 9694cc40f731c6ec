"""The rows an action list computes its figures from, for the students of a roster, kept in memory per version of
the data plane.

Reading Parquet through DuckDB on every page view cost more than everything else the page does, so the rows of
the list's tables are read once — as the hub's own job (:func:`~commonground.governance.gate.system_read`,
audited), not as a disclosure to anyone — and kept until what they were read from changes: a submission is
accepted, data is destroyed, or the population index (which says whose rows they are) is rebuilt.  They are
derived data no page shows as such: every figure shown is computed only from the cells the gate allows the
viewer (:meth:`commonground.actionlists.access.Access.mask`) and recorded as disclosed
(:func:`commonground.governance.gate.disclose_shown`).  Only the columns an action list can show are kept.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.db import connection

from commonground.actionlists import access
from commonground.actionlists.access import LIST_ELEMENTS
from commonground.ecosystem.models import Organization
from commonground.governance import facts
from commonground.governance.gate import system_read
from commonground.governance.models import DestructionCertificate, PopulationFact
from commonground.ingest import dataplane
from commonground.ingest.models import Submission

#: The tables an action list's figures come from.
TABLES = (
    "person",
    "enrollment",
    "attendance_event",
    "attendance_summary",
    "discipline_action",
    "course_grade",
    "assessment_result",
)
#: The columns kept of each table: those an action list may show.
COLUMNS: dict[str, tuple[str, ...]] = {
    t: tuple(e.split(".", 1)[1] for e in LIST_ELEMENTS if e.startswith(f"{t}.")) for t in TABLES
}
#: Past this many students the store starts again rather than grow without bound.
MAX_STUDENTS = 50_000

Row = dict[str, Any]
#: One student's rows: table → [(id of the organization that sent the row, the row)].
Records = dict[str, list[tuple[int, Row]]]


@dataclass
class Snapshot:
    """The rows of the students asked for, and a memo of what was computed from them, for one version."""

    version: tuple[Any, ...]
    students: dict[str, Records] = field(default_factory=dict)
    #: Figures computed from these rows, keyed by whoever computes them (cleared with the rows).
    memo: dict[Any, Any] = field(default_factory=dict)


_LOCK = threading.Lock()
_STORE = Snapshot(())


def version() -> tuple[Any, ...]:
    """What the rows depend on: the accepted batches, the destructions, and the population index's rows.

    One query of six aggregates (asked on every page view).  The index is rebuilt as a whole (new rows, new
    ids), so its first and last ids change with every build; a destruction removes some of its rows.
    """
    q = connection.ops.quote_name
    submissions, destroyed, index = (
        q(m._meta.db_table) for m in (Submission, DestructionCertificate, PopulationFact)
    )
    accepted = f"FROM {submissions} WHERE status = %s"
    sql = (
        f"SELECT (SELECT COUNT(*) {accepted}), (SELECT MAX(id) {accepted}), (SELECT MAX(decided_at) {accepted}), "  # noqa: S608 - table names from the models
        f"(SELECT MAX(id) FROM {destroyed}), (SELECT MIN(id) FROM {index}), (SELECT COUNT(*) FROM {index}), "
        f"(SELECT MAX(id) FROM {index})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["accepted"] * 3)
        return tuple(cursor.fetchone() or ())


def snapshot(subjects: list[str]) -> Snapshot:
    """The current snapshot, with the rows of every one of ``subjects`` (read now if not held yet).

    A roster read in this request (:class:`~commonground.actionlists.access.Roster`) brings the version it was read
    at: the rows are taken at that version rather than asking again (a write since then only makes them newer
    than their key, so the next request, seeing a new version, reads them again).
    """
    global _STORE
    current = subjects.version if isinstance(subjects, access.Roster) else version()
    with _LOCK:
        store = _STORE
        if store.version != current or len(store.students) + len(subjects) > MAX_STUDENTS:
            store = Snapshot(current)
        missing = [s for s in subjects if s not in store.students]
    if missing:
        store.students.update(_read(missing))
    with _LOCK:
        _STORE = store
    return store


def clear() -> None:
    """Forget every row held, and the rosters read (tests, and an operator who wants the memory back)."""
    global _STORE
    with _LOCK:
        _STORE = Snapshot(())
    access.forget_rosters()


def _read(subjects: list[str]) -> dict[str, Records]:
    """Read the list's tables for ``subjects``: one query per table, joined on the population index's records."""
    slugs: dict[str, int] = {slug: pk for pk, slug in Organization.objects.values_list("pk", "slug")}
    names = {pk: slug for slug, pk in slugs.items()}
    keys = list(
        PopulationFact.objects.filter(kind="record", hub_person_id__in=facts.among(subjects))
        .order_by()
        .values_list("organization_id", "value", "hub_person_id")
    )
    out: dict[str, Records] = {s: {t: [] for t in TABLES} for s in subjects}
    if not keys:
        return out
    key_table = pa.table(
        {
            "k_org": pa.array([names.get(org, "") for org, _v, _h in keys], pa.string()),
            "k_pid": pa.array([value for _o, value, _h in keys], pa.string()),
            "k_hub": pa.array([hub for _o, _v, hub in keys], pa.string()),
        }
    )
    with system_read(
        f"action-list figures: rows of {len(subjects)} students", details={"students": len(subjects)}
    ):
        con = dataplane.connect()
        try:
            con.register("cg_keys", key_table)
            for table in TABLES:
                dataplane.current_relation(con, table).create_view("cg_rows")
                selected = ", ".join(f't."{c}"' for c in COLUMNS[table])
                rows = con.sql(
                    f"SELECT k.k_hub AS cg_hub, t.source_org AS cg_org, {selected} FROM cg_rows t "  # noqa: S608 - names from the schema
                    "JOIN cg_keys k ON t.source_org = k.k_org AND t.source_person_id = k.k_pid"
                ).to_arrow_table()
                for row in rows.to_pylist():
                    hub, org = row.pop("cg_hub"), slugs.get(row.pop("cg_org"), 0)
                    out[hub][table].append((org, row))
        finally:
            con.close()
    return out
