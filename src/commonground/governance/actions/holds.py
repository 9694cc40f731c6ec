"""Holds: place and lift a stop on disclosures (the gate denies what an active hold covers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.governance.models import Agreement, Hold, HoldScope


@transaction.atomic
def do_place_hold(
    *,
    acting_user: Any,
    reason: str,
    hub_person_id: str | None = None,
    organization: Organization | None = None,
    agreement: Agreement | None = None,
    at: dt.datetime | None = None,
) -> Hold:
    """Stop disclosures about one student, to or from one organization, or under one agreement, from ``at`` (now).

    Exactly one of ``hub_person_id``, ``organization`` and ``agreement`` names what the hold covers.
    """
    targets = [t for t in (hub_person_id, organization, agreement) if t not in (None, "")]
    if len(targets) != 1:
        raise ValidationError("Name exactly one of a student, an organization or an agreement to hold.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why disclosures are held (an inspection request, a breach...)."}
        )
    scope = (
        HoldScope.SUBJECT
        if hub_person_id
        else HoldScope.ORGANIZATION
        if organization
        else HoldScope.AGREEMENT
    )
    hold = Hold(
        scope=scope,
        hub_person_id=hub_person_id or None,
        organization=organization,
        agreement=agreement,
        reason=reason.strip(),
        placed_at=at or timezone.now(),
        placed_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    hold.full_clean()
    hold.save()
    audit.record(
        actor=acting_user,
        action="governance.place_hold",
        obj=hold,
        summary=f"Placed a hold on {hold.target_label()}",
        details={"scope": scope, "reason": hold.reason},
    )
    return hold


@transaction.atomic
def do_lift_hold(*, acting_user: Any, hold: Hold, reason: str, at: dt.datetime | None = None) -> Hold:
    """Lift a hold from ``at`` (now): disclosures it stopped may flow again from that moment."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError(f"This hold was already lifted at {hold.lifted_at:%Y-%m-%d %H:%M}.")
    lifted_at = at or timezone.now()
    if lifted_at < hold.placed_at:
        raise ValidationError({"lifted_at": "A hold cannot be lifted before it was placed."})
    if not reason.strip():
        raise ValidationError({"lift_reason": "Say why the hold is lifted."})
    hold.lifted_at = lifted_at
    hold.lifted_by = acting_user if getattr(acting_user, "pk", None) else None
    hold.lift_reason = reason.strip()
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit.record(
        actor=acting_user,
        action="governance.lift_hold",
        obj=hold,
        summary=f"Lifted the hold on {hold.target_label()}",
        details={"reason": hold.lift_reason},
    )
    return hold
