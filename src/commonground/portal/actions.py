"""Writes of the family portal; each is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.governance.choices import Relationship
from commonground.people.choices import Role
from commonground.people.models import Membership, User
from commonground.portal import identity
from commonground.portal.choices import RequestStatus
from commonground.portal.models import (
    INSPECTION_DAYS,
    FamilyLink,
    FamilyRequest,
    Invitation,
    VerificationAttempt,
)


class VerificationError(ValueError):
    """The code and birth date do not open an invitation (the message never says which part was wrong)."""


class TooManyAttempts(VerificationError):
    """Too many tries from this address in the last hour."""


@transaction.atomic
def do_issue_invitation(
    *, acting_user: Any, organization: Organization, hub_person_id: str, relationship: str, days: int = 30
) -> tuple[Invitation, str]:
    """Issue a one-time code for the family of ``hub_person_id``; returns the invitation and the code to hand over."""
    code = identity.new_code()
    invitation = Invitation.objects.create(
        code_hash=identity.code_hash(code),
        hub_person_id=hub_person_id,
        relationship=relationship,
        issued_by=organization,
        issued_by_user=acting_user if getattr(acting_user, "pk", None) else None,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(
        actor=acting_user,
        action="portal.issue_invitation",
        obj=invitation,
        summary=f"Issued a family invitation for {hub_person_id}",
        details={"organization": organization.slug, "relationship": relationship, "days": days},
    )
    return invitation, code


def _record_attempt(client: str, succeeded: bool) -> None:
    with transaction.atomic():
        VerificationAttempt.objects.create(at=timezone.now(), client=client, succeeded=succeeded)


def _fail(invitation: Invitation | None, client: str) -> VerificationError:
    with transaction.atomic():
        if invitation is not None:
            Invitation.objects.filter(pk=invitation.pk).update(failed_attempts=invitation.failed_attempts + 1)
        VerificationAttempt.objects.create(at=timezone.now(), client=client, succeeded=False)
    return VerificationError(
        _("The code and the birth date do not match an open invitation. Check both, or ask for a new code.")
    )


def check_invitation(*, code: str, birth_date: dt.date, client: str) -> Invitation:
    """The open invitation that ``code`` and the child's ``birth_date`` unlock; failures are counted and recorded."""
    since = timezone.now() - dt.timedelta(hours=1)
    if VerificationAttempt.objects.filter(client=client, at__gte=since).count() >= identity.ATTEMPTS_PER_HOUR:
        raise TooManyAttempts(
            _("Too many tries from here in the last hour. Please wait an hour and try again.")
        )
    invitation = Invitation.objects.filter(code_hash=identity.code_hash(code)).first()
    if invitation is None or not invitation.usable(timezone.now()):
        raise _fail(invitation, client)
    if birth_date not in identity.birth_dates_for(invitation.hub_person_id):
        raise _fail(invitation, client)
    return invitation


def do_verify_family(
    *, code: str, birth_date: dt.date, client: str, username: str, password: str, display_name: str = ""
) -> FamilyLink:
    """Open an invitation: create the family's account (with the password they chose) and its link to the child.

    The check runs first, on its own, so a failed try is counted even though nothing else is written.
    """
    invitation = check_invitation(code=code, birth_date=birth_date, client=client)
    with transaction.atomic():
        return _open(invitation, client, username, password, display_name)


def _open(invitation: Invitation, client: str, username: str, password: str, display_name: str) -> FamilyLink:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at is not None:  # used in a concurrent request a moment ago
        raise VerificationError(_("This invitation was used already. Ask for a new code."))
    now = timezone.now()
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    role = Role.ELIGIBLE_STUDENT if locked.relationship == Relationship.ELIGIBLE_STUDENT else Role.PARENT
    Membership.objects.create(
        user=user, organization=locked.issued_by, role=role, starts_on=timezone.localdate()
    )
    link = FamilyLink.objects.create(
        user=user,
        hub_person_id=locked.hub_person_id,
        relationship=locked.relationship,
        verified_at=now,
        verified_by="invitation code from the school or partner + the child's birth date",
        invitation=locked,
    )
    locked.used_at = now
    locked.save(update_fields=["used_at"])
    VerificationAttempt.objects.create(at=now, client=client, succeeded=True)
    audit.record(
        actor=user,
        action="portal.verify_family",
        obj=link,
        summary=f"{username} verified as {locked.get_relationship_display()} of {locked.hub_person_id}",
        details={"invitation": locked.pk},
    )
    return link


@transaction.atomic
def do_open_request(*, user: User, link: FamilyLink, kind: str, details: str) -> FamilyRequest:
    """A family asks to inspect or amend the child's records; the 45-day clock starts today."""
    if link.user_id != user.pk:
        raise PermissionError("a request can only be made for one's own child")
    request = FamilyRequest.objects.create(
        link=link,
        kind=kind,
        details=details,
        due_on=timezone.localdate() + dt.timedelta(days=INSPECTION_DAYS),
    )
    audit.record(
        actor=user,
        action="portal.open_request",
        obj=request,
        summary=f"Family request to {kind} the records of {link.hub_person_id}",
        details={"due_on": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def do_close_request(
    *, acting_user: Any, request: FamilyRequest, status: str, response: str
) -> FamilyRequest:
    """A steward answers a family's request (done, or declined with reasons)."""
    if status not in (RequestStatus.FULFILLED, RequestStatus.DECLINED):
        raise ValueError(f"a request closes as fulfilled or declined, not {status!r}")
    if status == RequestStatus.DECLINED and not response.strip():
        raise ValueError("a declined request needs the reasons (34 CFR 99.21)")
    request.status, request.response, request.closed_at = status, response, timezone.now()
    request.save(update_fields=["status", "response", "closed_at", "updated_at"])
    audit.record(
        actor=acting_user,
        action="portal.close_request",
        obj=request,
        summary=f"Closed a family request: {status}",
    )
    return request


def open_requests_for(hub_person_id: str) -> bool:
    """True while an inspection or amendment request about the child is open (destruction must wait)."""
    return FamilyRequest.objects.filter(link__hub_person_id=hub_person_id, status=RequestStatus.OPEN).exists()
