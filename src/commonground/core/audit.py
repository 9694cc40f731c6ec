"""Writing audit rows.  Call :func:`record` inside the action's transaction, never after it.

Each row is appended to the hash chain (:mod:`commonground.core.chain`): the chain head is locked, the new
entry's hash computed over the previous hash and its fields, and the head moved, all in the caller's transaction,
so an action and its audit entry commit (or vanish) together and entries are never interleaved out of order.
Every ``COMMONGROUND_AUDIT_CHECKPOINT_EVERY`` entries (default 1,000) a checkpoint is signed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from commonground.core import chain
from commonground.core.models import AuditChainHead, AuditEvent


class AuditOutsideTransactionError(RuntimeError):
    """An audit row was written outside a transaction, so it could survive a rolled-back change."""


def iso(at: dt.datetime) -> str:
    """The timestamp exactly as it is hashed: UTC, ISO 8601, microseconds."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def locked_head() -> AuditChainHead:
    """The chain head, locked for the rest of the transaction (created empty on a new hub)."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"size": 0, "head_hash": chain.GENESIS}
    )
    return head


_HEAD = AuditChainHead._meta.db_table


def _locked_head_row() -> tuple[int, str]:
    """The chain head's size and hash, locked for the rest of the transaction (PostgreSQL ``FOR UPDATE``; SQLite
    holds the database's write lock for the whole transaction).  Written as SQL: it runs for every action and
    every page that discloses, and the ORM's query building cost more than the query."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT size, head_hash FROM {_HEAD} WHERE id = 1{lock}")  # noqa: S608 - the model's table
        row = cursor.fetchone()
    if row is None:  # a new hub: create the head (the ORM path, once)
        head = locked_head()
        return head.size, head.head_hash
    return int(row[0]), str(row[1])


def _insert_event(fields: dict[str, Any]) -> int:
    """Insert one audit row from ``fields`` (model attribute names); its id."""
    meta = AuditEvent._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = [by_attname[name] for name in fields]
    values = [field.get_db_prep_save(fields[field.attname], connection) for field in columns]
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) VALUES ({marks}) "  # noqa: S608 - the model's table
            f"RETURNING {connection.ops.quote_name(str(meta.pk.column))}",
            values,
        )
        row = cursor.fetchone()
    return int(row[0])


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row for ``action`` performed by ``actor`` (a user, or ``None`` for the system).

    Must run inside ``transaction.atomic`` so the row commits or rolls back with the change it describes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransactionError(
            f"audit for {action!r} must be written inside the action's transaction"
        )
    user = actor if actor is not None and getattr(actor, "pk", None) is not None else None
    size, head_hash = _locked_head_row()
    entry = chain.Entry(
        seq=size + 1,
        at=iso(timezone.now()),
        actor_id=user.pk if user is not None else None,
        actor_label=user.get_username() if user is not None else "system",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        details=chain.normalise_details(details),
        prev_hash=head_hash,
        entry_hash="",
    ).sealed()
    fields = {
        "seq": entry.seq,
        "at": dt.datetime.fromisoformat(entry.at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "details": dict(entry.details),
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }
    event = AuditEvent(pk=_insert_event(fields), **fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_HEAD} SET size = %s, head_hash = %s WHERE id = 1",  # noqa: S608 - the model's table
            [entry.seq, entry.entry_hash],
        )
    every = int(getattr(settings, "COMMONGROUND_AUDIT_CHECKPOINT_EVERY", 1000))
    if every > 0 and entry.seq % every == 0:
        from commonground.core.auditlog import (
            sign_checkpoint,
        )  # imports the signing key code only when needed

        sign_checkpoint(entry.seq, entry.entry_hash)
    return event
