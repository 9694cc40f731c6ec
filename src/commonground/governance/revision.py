"""Facts read once and reused until they change: the gate's facts (:func:`commonground.governance.facts.load`)
kept per process, keyed by the revision token that database triggers replace on every write to their tables.

Loading a 500-student roster's consents, opt-outs, holds and population facts cost more than everything else a
list page does, on every view.  The facts depend only on the database and the moment, so they are reused when

- the token read now equals the token read just before they were loaded (no write to any facts table has
  committed since; triggers, not application code, change the token — migration ``0006_facts_revision``);
- it is the same local day (agreements' terms are compared by day); and
- no agreement activation or hold placement that was still in the future when they were loaded has come since
  (those are the moments the loading query compared with the time; the policy itself compares every other one).

A revision row that is missing (a database flushed by hand) turns the reuse off rather than risk stale facts.
Reading the token *before* the facts means a write that commits in between can only make the facts newer than
their token, never older: the next request sees a new token and loads them again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from commonground.governance import facts, policy
from commonground.governance.models import Agreement, FactsRevision, Hold

#: How many (actor, students) fact sets a process keeps.
KEPT = 16


@dataclass(frozen=True)
class _Kept:
    token: str
    loaded_at: dt.datetime
    day: dt.date
    until: dt.datetime | None  # the first future moment the loading queries compared with the time
    facts: policy.Facts


_LOCK = threading.Lock()
_KEPT: OrderedDict[tuple[Any, ...], _Kept] = OrderedDict()


def token() -> str | None:
    """The current revision token (None when the revision row is missing)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {FactsRevision._meta.db_table} WHERE id = 1")  # noqa: S608 - model table
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _horizon(at: dt.datetime) -> dt.datetime | None:
    """The earliest activation or hold placement after ``at`` (facts loaded at ``at`` do not show it yet)."""
    q = connection.ops.quote_name
    agreements, holds = q(Agreement._meta.db_table), q(Hold._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MIN(activated_at) FROM {agreements} WHERE activated_at > %s), "  # noqa: S608 - model tables
            f"(SELECT MIN(placed_at) FROM {holds} WHERE placed_at > %s)",
            [connection.ops.adapt_datetimefield_value(at)] * 2,
        )
        row = cursor.fetchone() or ()
    found = [m for m in (facts.moment(value) for value in row) if m is not None]
    return min(found) if found else None


def load(actor: Any, subjects: Sequence[str], at: dt.datetime) -> policy.Facts:
    """:func:`facts.load` for ``actor`` and ``subjects`` at ``at``, or the same facts loaded earlier when nothing
    they were read from has changed since (see the module's docstring)."""
    current = token()
    if current is None:
        return facts.load(actor, subjects, at)
    user_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    key = (user_id, bool(getattr(actor, "is_active", False)), tuple(subjects))
    day = timezone.localdate(at)
    with _LOCK:
        kept = _KEPT.get(key)
    if (
        kept is not None
        and kept.token == current
        and kept.day == day
        and kept.loaded_at <= at
        and (kept.until is None or at < kept.until)
    ):
        return kept.facts
    loaded = facts.load(actor, subjects, at)
    entry = _Kept(current, at, day, _horizon(at), loaded)
    with _LOCK:
        _KEPT[key] = entry
        _KEPT.move_to_end(key)
        while len(_KEPT) > KEPT:
            _KEPT.popitem(last=False)
    return loaded


def clear() -> None:
    """Forget every fact set kept (tests, and an operator who wants the memory back)."""
    with _LOCK:
        _KEPT.clear()


def triggered_tables() -> set[str]:
    """The tables that carry the revision's triggers in the current database (for the tests and checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cg_facts_%'"
            )
        else:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'cg_facts_revision'"
            )
        return {row[0] for row in cursor.fetchall()}
