"""Writing audit rows.  Call :func:`record` inside the action's transaction, never after it."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from commonground.core.models import AuditEvent


class AuditOutsideTransactionError(RuntimeError):
    """An audit row was written outside a transaction, so it could survive a rolled-back change."""


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
    label = "system"
    if actor is not None and getattr(actor, "pk", None) is not None:
        label = actor.get_username()
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=label,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        details=details or {},
    )
