"""Who may see action lists and take part in data requests.  One condition per line."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from commonground.actionlists.models import DataRequest
from commonground.people.choices import Role
from commonground.people.permissions import is_steward

#: Roles that may ask for data on behalf of their organization.
REQUESTING_ROLES = (Role.DATA_LEAD, Role.CASE_MANAGER)


def requesting_organizations(user: Any) -> list[int]:
    """Organizations ``user`` may ask for data on behalf of (an active data-lead or case-manager role)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return user.organizations_as(REQUESTING_ROLES)


def approving_organizations(user: Any) -> list[int]:
    """Organizations whose data ``user`` approves requests for (an active data-lead role)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return user.organizations_as((Role.DATA_LEAD,))


def is_owner_approver(user: Any, request: DataRequest) -> bool:
    """True when ``user`` is a data lead of the organization that would disclose the data."""
    return request.disclosing_organization_id in approving_organizations(user)


def may_see_action_list(user: Any) -> bool:
    """Case managers and data leads of some organization see the action-list link."""
    return bool(requesting_organizations(user))


def visible_requests(user: Any) -> QuerySet[DataRequest]:
    """Requests ``user`` may see: stewards all; others those of their organizations, made or received."""
    requests = DataRequest.objects.select_related(
        "requesting_organization", "disclosing_organization", "requester"
    )
    if is_steward(user):
        return requests
    return requests.filter(
        Q(requesting_organization_id__in=requesting_organizations(user))
        | Q(disclosing_organization_id__in=approving_organizations(user))
    )
