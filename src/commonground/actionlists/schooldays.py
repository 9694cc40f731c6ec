"""The school calendar's instructional days, which attendance rates are counted over.

A calendar is about schools, not students, so it is read as the hub's own job (:func:`gate.system_read`, audited)
rather than disclosed; it is kept in memory until another submission is accepted, so a page view does not read it
(or write an audit row) each time.
"""

from __future__ import annotations

import datetime as dt
import threading

from commonground.governance.gate import system_read
from commonground.ingest import dataplane
from commonground.ingest.models import Submission

_LOCK = threading.Lock()
_CACHE: dict[str, tuple[int, frozenset[dt.date]]] = {}


def instructional_days(latest: int | None = None) -> frozenset[dt.date]:
    """Every instructional day any school's calendar names (empty when no calendar has been sent).

    ``latest`` is the id of the latest accepted submission when the caller has just read it (the list reads it
    with :func:`commonground.actionlists.records.version`), saving a query per page view.
    """
    if latest is None:
        latest = (
            Submission.objects.filter(status="accepted").order_by("-pk").values_list("pk", flat=True).first()
        )
    latest = latest or 0
    with _LOCK:
        cached = _CACHE.get("days")
        if cached is not None and cached[0] == latest:
            return cached[1]
    days: frozenset[dt.date] = frozenset()
    if latest:
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
        _CACHE["days"] = (latest, days)
    return days


def as_of(days: frozenset[dt.date], today: dt.date) -> dt.date:
    """The day figures are as of: today, or the calendar's last instructional day once the school year is over."""
    past = [d for d in days if d <= today]
    return max(past) if past else today
