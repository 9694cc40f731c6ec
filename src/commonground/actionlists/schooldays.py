"""The school calendar's instructional days, which attendance rates are counted over.

A calendar is about schools, not students, so it is read as the hub's own job (:func:`gate.system_read`, audited)
rather than disclosed; it is kept in memory until another submission is accepted, so a page view does not read it
(or write an audit row) each time.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from commonground.actionlists import records
from commonground.governance.gate import system_read
from commonground.ingest import dataplane

_LOCK = threading.Lock()
_CACHE: dict[str, tuple[tuple[Any, ...], frozenset[dt.date]]] = {}


def instructional_days(version: tuple[Any, ...] | None = None) -> frozenset[dt.date]:
    """Every instructional day any school's calendar names (empty when no calendar has been sent).

    ``version`` is what :func:`commonground.actionlists.records.version` returned when the caller has just read it
    (the list does), saving a query per page view.  The calendar is kept under the latest accepted submission's
    id and moment in it, and the data folder: an id alone can come back with other data (a restored older hub
    numbers its next submissions again; a process serving another home).
    """
    if version is None or len(version) < 3:
        version = records.version()
    latest = version[1:3]
    key = (str(dataplane.data_dir()), *latest)
    with _LOCK:
        cached = _CACHE.get("days")
        if cached is not None and cached[0] == key:
            return cached[1]
    days: frozenset[dt.date] = frozenset()
    if latest[0]:
        with system_read("school calendar for action lists"):
            con = dataplane.connect()
            try:
                rows = (
                    dataplane.current_relation(con, "calendar_date")
                    .filter("instructional AND date IS NOT NULL")
                    .select("date")
                    .distinct()
                    .fetchall()
                )
            finally:
                con.close()
        days = frozenset(r[0] for r in rows)
    with _LOCK:
        _CACHE["days"] = (key, days)
    return days


def as_of(days: frozenset[dt.date], today: dt.date) -> dt.date:
    """The day figures are as of: today, or the calendar's last instructional day once the school year is over."""
    past = [d for d in days if d <= today]
    return max(past) if past else today
