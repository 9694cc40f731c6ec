"""The agreement lifecycle: draft → in review → signed → active → expired | terminated → destroyed.

Each step is an action that refuses an illegal move with a message saying what the next step is, freezes a new
version and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.governance import snapshot
from commonground.governance.actions.versions import locked, new_version
from commonground.governance.choices import TRANSITIONS, AgreementStatus, PartyRole
from commonground.governance.models import Agreement
from commonground.governance.requirements import missing

S = AgreementStatus
#: How each target status is named in "Next: ..." and "it cannot be ...".
NEXT_STEP: dict[str, str] = {
    S.DRAFT: "return it to draft",
    S.IN_REVIEW: "submit it for review",
    S.SIGNED: "record that it is signed",
    S.ACTIVE: "activate it",
    S.EXPIRED: "mark it expired",
    S.TERMINATED: "terminate it",
    S.DESTROYED: "record the destruction of its data",
}
STATUS_PHRASE: dict[str, str] = {
    S.DRAFT: "a draft",
    S.IN_REVIEW: "in review",
    S.SIGNED: "signed",
    S.ACTIVE: "active",
    S.EXPIRED: "expired",
    S.TERMINATED: "terminated",
    S.DESTROYED: "closed: its data was destroyed",
}
PAST: dict[str, str] = {
    S.DRAFT: "returned to draft",
    S.IN_REVIEW: "submitted for review",
    S.SIGNED: "marked signed",
    S.ACTIVE: "activated",
    S.EXPIRED: "marked expired",
    S.TERMINATED: "terminated",
    S.DESTROYED: "marked destroyed",
}


def _long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _refuse_illegal(agreement: Agreement, to: str) -> None:
    if to in TRANSITIONS[agreement.status]:
        return
    status = STATUS_PHRASE[agreement.status]
    nexts = [NEXT_STEP[s] for s in TRANSITIONS[agreement.status]]
    then = f" Next, you can {' or '.join(nexts)}." if nexts else " Nothing further can happen to it."
    raise ValidationError(f"Agreement {agreement.reference} is {status}; it cannot be {PAST[to]}.{then}")


def _move(
    agreement: Agreement,
    to: str,
    *,
    acting_user: Any,
    summary: str,
    details: dict[str, Any] | None = None,
    **updates: Any,
) -> Agreement:
    old = agreement.status
    agreement.status = to
    for name, value in updates.items():
        setattr(agreement, name, value)
    agreement.save(update_fields=["status", "updated_at", *updates])
    new_version(agreement, acting_user=acting_user, note=summary)
    audit.record(
        actor=acting_user,
        action=f"governance.{_VERB[to]}_agreement",
        obj=agreement,
        summary=summary,
        details={"from": old, "to": to, "version": agreement.version, **(details or {})},
    )
    return agreement


_VERB: dict[str, str] = {
    S.DRAFT: "return",
    S.IN_REVIEW: "submit",
    S.SIGNED: "sign",
    S.ACTIVE: "activate",
    S.EXPIRED: "expire",
    S.TERMINATED: "terminate",
    S.DESTROYED: "destroy",
}


@transaction.atomic
def do_submit_agreement_for_review(*, acting_user: Any, agreement: Agreement) -> Agreement:
    """Send a draft to the governance review (its first version is frozen now)."""
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.IN_REVIEW)
    return _move(
        agreement, S.IN_REVIEW, acting_user=acting_user, summary=f"Submitted {agreement.reference} for review"
    )


@transaction.atomic
def do_return_agreement_to_draft(*, acting_user: Any, agreement: Agreement, reason: str) -> Agreement:
    """Send an agreement in review back to its authors, saying why."""
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.DRAFT)
    if not reason.strip():
        raise ValidationError("Say why the agreement goes back to draft.")
    return _move(
        agreement,
        S.DRAFT,
        acting_user=acting_user,
        summary=f"Returned {agreement.reference} to draft",
        details={"reason": reason},
    )


def signature_problems(agreement: Agreement) -> list[str]:
    """Why the agreement cannot yet be marked signed (empty when every party has signed)."""
    problems = []
    signatories = list(agreement.signatories.select_related("organization"))
    if not signatories:
        return ["The agreement cannot be marked signed: it has no signatories."]
    for s in signatories:
        if s.signed_on is None:
            problems.append(
                f"The agreement cannot be marked signed: {s.name} ({s.organization}) has not signed yet."
            )
    signed_for = {s.organization_id for s in signatories if s.signed_on is not None}
    for party in agreement.parties.select_related("organization"):
        if party.role != PartyRole.HUB and party.organization_id not in signed_for:
            problems.append(
                f"The agreement cannot be marked signed: no one has signed for {party.organization} "
                f"({party.get_role_display().lower()})."
            )
    return problems


@transaction.atomic
def do_sign_agreement(*, acting_user: Any, agreement: Agreement) -> Agreement:
    """Record that every party's decision maker has signed (their names, titles and dates are on the agreement)."""
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.SIGNED)
    problems = signature_problems(agreement)
    if problems:
        raise ValidationError(problems)
    return _move(
        agreement, S.SIGNED, acting_user=acting_user, summary=f"Recorded {agreement.reference} as signed"
    )


def activation_problems(agreement: Agreement, at: dt.datetime) -> list[str]:
    """Every reason the agreement cannot be activated at ``at``: each missing required element, then the term."""
    problems = [m.message for m in missing(snapshot.facts(snapshot.build(agreement)))]
    day = timezone.localdate(at)
    if agreement.starts_on and day < agreement.starts_on:
        problems.append(
            f"The agreement cannot be activated: its term starts on {_long(agreement.starts_on)}; activate it then."
        )
    if agreement.ends_on and day > agreement.ends_on:
        problems.append(f"The agreement cannot be activated: its term ended on {_long(agreement.ends_on)}.")
    return problems


@transaction.atomic
def do_activate_agreement(
    *, acting_user: Any, agreement: Agreement, at: dt.datetime | None = None
) -> Agreement:
    """Put a signed agreement in force.  Refused, naming each one, while a required element is missing."""
    when = at or timezone.now()
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.ACTIVE)
    problems = activation_problems(agreement, when)
    if problems:
        raise ValidationError(problems)
    return _move(
        agreement,
        S.ACTIVE,
        acting_user=acting_user,
        summary=f"Activated {agreement.reference}",
        activated_at=when,
    )


@transaction.atomic
def do_expire_agreement(
    *, acting_user: Any, agreement: Agreement, at: dt.datetime | None = None
) -> Agreement:
    """Record that an active agreement's term is over (the gate already stops at the end date)."""
    when = at or timezone.now()
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.EXPIRED)
    if agreement.ends_on is not None and timezone.localdate(when) <= agreement.ends_on:
        raise ValidationError(
            f"Agreement {agreement.reference} runs until {_long(agreement.ends_on)}; terminate it to end it early."
        )
    return _move(
        agreement,
        S.EXPIRED,
        acting_user=acting_user,
        summary=f"{agreement.reference} expired",
        ended_at=when,
        end_reason="The term ended.",
    )


@transaction.atomic
def do_terminate_agreement(
    *, acting_user: Any, agreement: Agreement, reason: str, at: dt.datetime | None = None
) -> Agreement:
    """End an agreement early, effective immediately: no disclosure under it is allowed from ``at`` on."""
    when = at or timezone.now()
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.TERMINATED)
    if not reason.strip():
        raise ValidationError("Say why the agreement is terminated.")
    return _move(
        agreement,
        S.TERMINATED,
        acting_user=acting_user,
        summary=f"Terminated {agreement.reference}",
        details={"reason": reason},
        ended_at=when,
        end_reason=reason,
    )


@transaction.atomic
def do_record_agreement_destruction(
    *, acting_user: Any, agreement: Agreement, destroyed_on: dt.date, certified_by: str, method: str
) -> Agreement:
    """Record the recipient's certificate that every copy of the disclosed data was destroyed.

    The agreement and its versions stay: the record of what was disclosed outlives the data (99.32).
    """
    agreement = locked(agreement)
    _refuse_illegal(agreement, S.DESTROYED)
    if destroyed_on > timezone.localdate():
        raise ValidationError({"destroyed_on": "The destruction date cannot be in the future."})
    if not certified_by.strip() or not method.strip():
        raise ValidationError("Name who certified the destruction and how the data was destroyed.")
    late = bool(agreement.destruction_deadline and destroyed_on > agreement.destruction_deadline)
    return _move(
        agreement,
        S.DESTROYED,
        acting_user=acting_user,
        summary=f"Recorded destruction of the data of {agreement.reference}",
        details={"certified_by": certified_by, "method": method, "late": late},
        destroyed_on=destroyed_on,
        destruction_certified_by=f"{certified_by} — {method}",
    )
