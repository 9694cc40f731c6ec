"""An action list for one request: the gate's decision about the whole roster, each student's kept rows masked by
it (:mod:`.records`, :meth:`.access.Access.mask`), then filtered, searched, sorted and cut to a page; only the
page's students are recorded as disclosed (:func:`record`, docs/action-lists.md "What counts as disclosed")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from commonground.actionlists import access as access_mod
from commonground.actionlists import records, schooldays
from commonground.actionlists.students import COLUMNS, StudentRow, Tables, build_row
from commonground.ecosystem.models import Organization

#: Flags the list can be filtered by, with their labels.
FLAGS: dict[str, str] = {
    "chronic": "Chronically absent",
    "at_risk": "Early warning: at risk",
    "warning": "Early warning: at risk or early warning",
    "failing": "Failing a course",
    "suspended": "Suspended",
}
SORTS = ("name", "school", *(key for key, _ in COLUMNS))


@dataclass
class Query:
    """The list's GET parameters, checked: unknown values fall back to the defaults."""

    q: str = ""
    flag: str = ""
    school: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_get(cls, params: QueryDict) -> Query:
        """Read ``q``, ``flag``, ``school``, ``sort`` (``-`` prefix: descending) and ``page`` (from 1)."""
        sort = params.get("sort", "name")
        page = params.get("page", "1")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        flag = params.get("flag", "")
        return cls(
            q=params.get("q", "").strip()[:100],
            flag=flag if flag in FLAGS else "",
            school=params.get("school", "").strip()[:200],
            sort=sort if sort in SORTS else "name",
            descending=descending,
            page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
        )

    def matches(self, row: StudentRow) -> bool:
        """True when the row passes the search and filters (search uses only names the user may see)."""
        if self.q and (not row.name or self.q.casefold() not in row.name.casefold()):
            return False
        if self.school and row.school != self.school:
            return False
        if self.flag == "chronic":
            return row.chronic
        if self.flag == "at_risk":
            return row.status == 2
        if self.flag == "warning":
            return row.status is not None and row.status >= 1
        if self.flag == "failing":
            return row.failing
        if self.flag == "suspended":
            return row.suspended
        return True

    def key(self, row: StudentRow) -> tuple[Any, ...]:
        """Sort key; restricted and empty figures sort last either way."""
        if self.sort == "name":
            return (row.label.casefold(),)
        if self.sort == "school":
            return (row.school or "\uffff", row.label.casefold())
        cell = row.cells[self.sort]
        value = cell.sort if cell.state == "shown" else None
        return (value is None, value if value is not None else 0, row.label.casefold())


#: Students per page of the list (sorting, filtering and search range over every student of the roster).
PAGE_SIZE = 50


@dataclass
class ActionList:
    """One page of the list (``rows``), how many students match and in all, the schools to filter by, why anything
    is withheld, and the day figures are as of.  ``shown`` holds what the rows disclose (see :func:`record`)."""

    rows: list[StudentRow]
    total: int
    schools: list[str]
    reasons: list[tuple[str, int]]
    as_of: dt.date | None
    refused: bool
    matched: int = 0
    page: int = 1
    pages: int = 1
    shown: dict[str, access_mod.Masked] = field(default_factory=dict)
    access: access_mod.Access | None = None


@dataclass(frozen=True)
class _Context:
    """What every row of one request is computed against (part of the key of the figures' memo)."""

    as_of: dt.date
    instructional: frozenset[dt.date] | None
    schools: tuple[tuple[str, str], ...]
    parents: tuple[tuple[int, int | None], ...]


def _context(version: tuple[Any, ...]) -> _Context:
    days = schooldays.instructional_days(version)
    schools: list[tuple[str, str]] = []
    parents: list[tuple[int, int | None]] = []
    # A plain query: the ORM took longer to build this one than the database to answer it (every page asks).
    table = connection.ops.quote_name(Organization._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, parent_id, kind, external_id, name FROM {table} ORDER BY id")  # noqa: S608 - table name from the model
        found = cursor.fetchall()
    for pk, parent, kind, external_id, name in found:
        parents.append((pk, parent))
        if kind == "school" and external_id:
            schools.append((external_id, name))
    return _Context(
        schooldays.as_of(days, timezone.localdate()), days or None, tuple(schools), tuple(parents)
    )


def _compute(
    access: access_mod.Access, snap: records.Snapshot, memo: dict[Any, Any], ctx: _Context, subject: str
) -> tuple[StudentRow, access_mod.Masked]:
    """A student's row and what it discloses, from ``memo`` when the same rows were masked the same way."""
    key = (subject, access.signature(subject))
    found: tuple[StudentRow, access_mod.Masked] | None = memo.get(key)
    if found is None:
        masked = access.mask(subject, snap.students[subject], dict(ctx.parents))
        data = Tables({t: {subject: rows} for t, rows in masked.tables.items()}, ctx.as_of, ctx.instructional)
        names = {subject: masked.own_name} if masked.own_name else {}
        found = (build_row(access, data, subject, names, dict(ctx.schools)), masked)
        memo[key] = found
    return found


def _all_rows(
    access: Any, snap: records.Snapshot, ctx: _Context, subjects: list[str]
) -> list[tuple[StudentRow, access_mod.Masked]]:
    """Every student's row.  While the gate hands back the very same decisions (it reuses a decision when the
    facts have not changed, :func:`commonground.governance.policy_index.remembered`) the whole list is the
    same, so it is kept with those decision objects and used again only if they are identical (``is``)."""
    memo: dict[Any, Any] = snap.memo.setdefault(ctx, {})
    decided = access.decided()
    kept = memo.get("rows")
    if (
        kept is not None
        and kept[0] == subjects
        and len(kept[1]) == len(decided)
        and all(a is b for a, b in zip(kept[1], decided, strict=True))
    ):
        found: list[tuple[StudentRow, access_mod.Masked]] = kept[2]
        return found
    computed = [_compute(access, snap, memo, ctx, s) for s in subjects]
    memo["rows"] = (subjects, decided, computed)
    return computed


def build(user: Any, query: Query, *, route: str, path: str, page: int | None = 1) -> ActionList:
    """Ask the gate what the user may see of their roster and return one page of the filtered, sorted list
    (every matching student when ``page`` is None, for an export).  Nothing is recorded yet: :func:`record`
    writes the records of disclosure of the rows returned, inside the transaction that serves them."""
    subjects = access_mod.roster(user)
    if not subjects:
        return ActionList([], 0, [], [], None, refused=False)
    access = access_mod.authorize(user, subjects, route=route, path=path, elements=access_mod.LIST_ELEMENTS)
    if not access.visible():
        return ActionList([], len(subjects), [], access.reasons(), None, refused=True)
    result = assemble(access, subjects, query, page=page)
    result.reasons, result.access = access.reasons(), access
    return result


def assemble(access: Any, subjects: list[str], query: Query, *, page: int | None) -> ActionList:
    """Rows for ``subjects`` as ``access`` lets them be seen, filtered, sorted and cut to ``page``."""
    snap = records.snapshot(subjects)
    ctx = _context(snap.version)
    computed = _all_rows(access, snap, ctx, subjects)
    order = _ordered(snap.memo.setdefault(ctx, {}), computed, query)
    shown = order.shown
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    number = min(max(page or 1, 1), pages)
    cut = shown if page is None else shown[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return ActionList(
        rows=[row for row, _masked in cut],
        total=len(computed),
        schools=list(order.schools),
        reasons=[],
        as_of=ctx.as_of,
        refused=False,
        matched=len(shown),
        page=number,
        pages=pages,
        shown={row.hub_id: masked for row, masked in cut},
    )


@dataclass(frozen=True)
class _Order:
    """The rows that match one query, in its order, and the schools of every row (for the filter)."""

    shown: list[tuple[StudentRow, access_mod.Masked]]
    schools: tuple[str, ...]


#: How many queries' orders are kept per list of rows (filters and sorts a user clicks through).
ORDERS_KEPT = 32


def _ordered(
    memo: dict[Any, Any], computed: list[tuple[StudentRow, access_mod.Masked]], query: Query
) -> _Order:
    """Filter and sort ``computed`` for ``query``.  The rows are the same objects while the gate's decisions and
    the data stay the same (:func:`_all_rows`), so the order is kept with them and used again only for that very
    list (``is``) and the same filters and sort: a new list — other data, other decisions — is ordered afresh."""
    key = (query.q, query.flag, query.school, query.sort, query.descending)
    kept: tuple[list[Any], dict[tuple[Any, ...], _Order]] | None = memo.get("orders")
    if kept is None or kept[0] is not computed or len(kept[1]) >= ORDERS_KEPT:
        kept = memo["orders"] = (computed, {})
    found = kept[1].get(key)
    if found is None:
        pairs = sorted(
            (pair for pair in computed if query.matches(pair[0])),
            key=lambda pair: query.key(pair[0]),
            reverse=query.descending,
        )
        if query.descending and query.sort not in ("name", "school"):
            # Keep restricted / empty figures last when sorting high to low too.
            pairs.sort(key=lambda pair: pair[0].cells[query.sort].state != "shown")
        schools = tuple(sorted({row.school for row, _masked in computed if row.school}))
        found = kept[1][key] = _Order(pairs, schools)
    return found


def record(result: ActionList) -> None:
    """Write the records of disclosure of the rows ``result`` shows, each element under the purpose that allows
    it (call inside the transaction that serves them)."""
    if result.access is not None and result.shown:
        result.access.disclose(result.shown)
