"""Who may see and change agreements, consents and opt-outs.  One condition per line so tests cover each case.

Stewards manage everything.  A partner data lead sees the agreements their organization is a party to, and may
ask the pathfinder to draft one for their own organization.  Staff a signed agreement binds may read it.  Consents and opt-outs name children: stewards only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from commonground.governance.choices import AgreementStatus, PartyRole
from commonground.governance.models import Agreement, AgreementParty
from commonground.people.choices import Role
from commonground.people.permissions import is_steward

SIGNED_OR_LATER = (
    AgreementStatus.SIGNED,
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
    AgreementStatus.DESTROYED,
)


def lead_organization_ids(user: Any) -> set[int]:
    """Organizations in which ``user`` is an active partner data lead today."""
    if user is None or not user.is_authenticated:
        return set()
    return set(user.organizations_as((Role.DATA_LEAD,), timezone.localdate()))


def visible_agreements(user: Any) -> QuerySet[Agreement]:
    """The agreements ``user`` may read: all for a steward; for a data lead, those their organization is a party
    to; for anyone else, the signed agreements that bind them (a recipient organization, in a listed role)."""
    if is_steward(user):
        return Agreement.objects.all()
    if user is None or not user.is_authenticated:
        return Agreement.objects.none()
    ids = set(
        AgreementParty.objects.filter(organization_id__in=lead_organization_ids(user)).values_list(
            "agreement_id", flat=True
        )
    )
    ids |= binding_agreement_ids(user)
    return Agreement.objects.filter(pk__in=ids)


def binding_agreement_ids(user: Any) -> set[int]:
    """Signed (or later) agreements whose recipient is one of ``user``'s organizations and whose recipient roles
    include the role the user holds there — the staff an agreement binds may read it."""
    roles: dict[int, set[str]] = {}
    for org_id, role in user.active_roles(timezone.localdate()):
        roles.setdefault(org_id, set()).add(role)
    parties = AgreementParty.objects.filter(
        organization_id__in=roles, role=PartyRole.RECIPIENT, agreement__status__in=SIGNED_OR_LATER
    ).values_list("agreement_id", "organization_id", "agreement__recipient_roles")
    return {agreement_id for agreement_id, org_id, allowed in parties if roles[org_id] & set(allowed or [])}


def can_see_agreements(user: Any) -> bool:
    """Whether the navigation shows "Agreements" (stewards and partner data leads)."""
    if is_steward(user):
        return True
    return bool(lead_organization_ids(user))


def may_draft_for(user: Any, requester: Any) -> bool:
    """Stewards draft for anyone; a data lead drafts only for their own organization."""
    if is_steward(user):
        return True
    return requester is not None and requester.pk in lead_organization_ids(user)
