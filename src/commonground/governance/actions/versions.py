"""Versions of an agreement: every change after the draft stage freezes a new snapshot."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from commonground.governance import snapshot
from commonground.governance.models import Agreement, AgreementVersion


def locked(agreement: Agreement) -> Agreement:
    """Re-read ``agreement`` under a row lock so two stewards cannot move it at once (PostgreSQL)."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def new_version(agreement: Agreement, *, acting_user: Any, note: str) -> AgreementVersion:
    """Number and store the agreement's current terms (call inside the action's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("agreement versions must be written inside the action's transaction")
    agreement.version += 1
    Agreement.objects.filter(pk=agreement.pk).update(version=agreement.version)
    user = acting_user if acting_user is not None and getattr(acting_user, "pk", None) else None
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version,
        status=agreement.status,
        snapshot=snapshot.build(agreement),
        created_at=timezone.now(),
        created_by=user,
        note=note[:300],
    )
