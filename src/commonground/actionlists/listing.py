"""An action list for one request: the roster read through the gate, then filtered, searched and sorted."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from commonground.actionlists import access as access_mod
from commonground.actionlists.students import (
    COLUMNS,
    StudentRow,
    Tables,
    build_row,
    read_tables,
    school_names,
)

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

    @classmethod
    def from_get(cls, params: QueryDict) -> Query:
        """Read ``q``, ``flag``, ``school`` and ``sort`` (``-`` prefix: descending)."""
        sort = params.get("sort", "name")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        flag = params.get("flag", "")
        return cls(
            q=params.get("q", "").strip()[:100],
            flag=flag if flag in FLAGS else "",
            school=params.get("school", "").strip()[:200],
            sort=sort if sort in SORTS else "name",
            descending=descending,
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


@dataclass
class ActionList:
    """The rows shown, the schools to filter by, why anything is withheld, and the day figures are as of."""

    rows: list[StudentRow]
    total: int
    schools: list[str]
    reasons: list[tuple[str, int]]
    as_of: dt.date | None
    refused: bool
    restricted_columns: dict[str, int] = field(default_factory=dict)


def build(user: Any, query: Query, *, route: str, path: str) -> ActionList:
    """Read the user's roster through the gate and return the filtered, sorted list.

    Every table is read for the whole roster (and recorded as disclosed), because flags and sorting need the
    figures; filtering happens after the read.
    """
    subjects = access_mod.roster(user)
    if not subjects:
        return ActionList([], 0, [], [], None, refused=False)
    access = access_mod.authorize(user, subjects, route=route, path=path)
    visible = access.visible()
    if not visible:
        return ActionList([], len(subjects), [], access.reasons(), None, refused=True)
    data: Tables = read_tables(access, ("person", "enrollment", "attendance_event", "attendance_summary",
                                        "discipline_action", "course_grade", "assessment_result"))  # fmt: skip
    names = access.own_names()
    schools = school_names()
    rows = [build_row(access, data, s, names, schools) for s in subjects]
    restricted = Counter(key for row in rows for key, cell in row.cells.items() if cell.restricted)
    shown = sorted((r for r in rows if query.matches(r)), key=query.key, reverse=query.descending)
    if query.descending and query.sort not in ("name", "school"):
        # Keep restricted / empty figures last when sorting high to low too.
        shown.sort(key=lambda r: r.cells[query.sort].state != "shown")
    return ActionList(
        rows=shown,
        total=len(rows),
        schools=sorted({r.school for r in rows if r.school}),
        reasons=access.reasons(),
        as_of=data.as_of,
        refused=False,
        restricted_columns=dict(restricted),
    )
