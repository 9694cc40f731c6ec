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
from django.db import models, transaction
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
    head = locked_head()
    entry = chain.Entry(
        seq=head.size + 1,
        at=iso(timezone.now()),
        actor_id=user.pk if user is not None else None,
        actor_label=user.get_username() if user is not None else "system",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        details=chain.normalise_details(details),
        prev_hash=head.head_hash,
        entry_hash="",
    ).sealed()
    event = AuditEvent.objects.create(
        seq=entry.seq,
        at=dt.datetime.fromisoformat(entry.at),
        actor=user,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        summary=entry.summary,
        details=dict(entry.details),
        prev_hash=entry.prev_hash,
        entry_hash=entry.entry_hash,
    )
    head.size, head.head_hash = entry.seq, entry.entry_hash
    head.save(update_fields=["size", "head_hash"])
    every = int(getattr(settings, "COMMONGROUND_AUDIT_CHECKPOINT_EVERY", 1000))
    if every > 0 and entry.seq % every == 0:
        from commonground.core.auditlog import (
            sign_checkpoint,
        )  # imports the signing key code only when needed

        sign_checkpoint(entry.seq, entry.entry_hash)
    return event
