"""Review decisions on pairs of records: a person's accept, reject or unsure, which overrides the model in every
later run (an acceptance merges the two hub people now)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.linkage.choices import EventKind, HubPersonStatus, ReviewStatus
from commonground.linkage.models import HubPerson, PersonRecord, RegistryEvent, ReviewItem

DECISIONS = (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED, ReviewStatus.UNSURE)


@transaction.atomic
def do_decide_review(item: ReviewItem, *, status: str, reason: str, acting_user: Any) -> ReviewItem:
    """Record a person's decision on a pair; it overrides the model in every later run.

    Accepting a pair of two different hub people merges them now (the one with more records keeps its id);
    rejecting a pair the registry already joined through other records splits them at the next full run.
    Raises :class:`~django.core.exceptions.ValidationError` for an unknown decision, a missing reason, or an
    acceptance that would join records a steward has kept apart.
    """
    if status not in DECISIONS:
        raise ValidationError({"status": f"choose accept, reject or unsure (got {status!r})"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "say briefly why (it is kept with the decision)"})
    item = ReviewItem.objects.select_for_update().select_related("record_a", "record_b").get(pk=item.pk)
    before = item.status
    merged = None
    if status == ReviewStatus.ACCEPTED:
        merged = _merge_for(item, acting_user, reason)
    item.status, item.reason = status, reason
    item.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    item.decided_at = timezone.now()
    item.save()
    audit.record(
        actor=acting_user,
        action="linkage.decide_review",
        obj=item,
        summary=f"Review {item.pk}: {item.get_status_display()}",
        details={"before": before, "after": status, "reason": reason, "merged": merged},
    )
    return item


def _merge_for(item: ReviewItem, acting_user: Any, reason: str) -> list[str] | None:
    """Merge the two records' hub people (if different); refuse when a rejected pair would be joined."""
    a, b = item.record_a.hub_person, item.record_b.hub_person
    if a.pk == b.pk:
        return None
    rejected = ReviewItem.objects.filter(status=ReviewStatus.REJECTED).filter(
        record_a__hub_person__in=[a, b], record_b__hub_person__in=[a, b]
    )
    clash = rejected.exclude(record_a__hub_person=a, record_b__hub_person=a).exclude(
        record_a__hub_person=b, record_b__hub_person=b
    )
    if clash.exists():
        raise ValidationError(
            f"accepting would join records that a steward kept apart (review {clash.first().pk}); "  # type: ignore[union-attr]
            "reconsider that decision first"
        )
    sizes = {h.pk: h.records.count() for h in (a, b)}
    keep, gone = sorted((a, b), key=lambda h: (-sizes[h.pk], h.pk))
    moved = [
        f"{r.organization.slug}/{r.source_person_id}" for r in gone.records.select_related("organization")
    ]
    now = timezone.now()
    HubPerson.objects.filter(merged_into=gone).update(merged_into=keep)
    PersonRecord.objects.filter(hub_person=gone).update(hub_person=keep, updated_at=now)
    gone.status, gone.merged_into = HubPersonStatus.MERGED, keep
    gone.save(update_fields=["status", "merged_into"])
    RegistryEvent.objects.create(
        at=now,
        kind=EventKind.MERGED,
        hub_person=gone,
        other=keep,
        records=[m.split("/", 1) for m in moved[:50]],
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        reason=f"a steward accepted review {item.pk}: {reason}"[:300],
    )
    return [gone.hub_id, keep.hub_id]
