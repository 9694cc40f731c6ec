"""Who may submit data and read submission reports.  One condition per line so tests cover each case.

Hub stewards may submit for, and read the reports of, every organization. A partner data lead (an active
membership with the ``data_lead`` role) may do both for their own organization(s) only. Anyone else is refused.
A report of another organization is answered "not found", the same as a missing one, so a refusal leaks nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from commonground.ecosystem.models import Organization
from commonground.ingest.models import Submission
from commonground.people.choices import Role
from commonground.people.permissions import is_steward


def data_lead_organization_ids(user: Any) -> set[int]:
    """Ids of the organizations in which ``user`` is an active partner data lead today."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(user.organizations_as((Role.DATA_LEAD,)))


def may_submit_data(user: Any) -> bool:
    """True for stewards and for anyone who is a data lead somewhere (they see the ingest pages)."""
    if is_steward(user):
        return True
    return bool(data_lead_organization_ids(user))


def submittable_organizations(user: Any) -> QuerySet[Organization]:
    """The organizations ``user`` may submit data for (and read the reports of)."""
    if is_steward(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=data_lead_organization_ids(user))


def may_submit_for(user: Any, organization: Organization) -> bool:
    """True when ``user`` may submit data for ``organization``."""
    if is_steward(user):
        return True
    return organization.pk in data_lead_organization_ids(user)


def visible_submissions(user: Any) -> QuerySet[Submission]:
    """The submissions whose reports ``user`` may read."""
    queryset = Submission.objects.select_related("organization", "system", "submitted_by")
    if is_steward(user):
        return queryset
    return queryset.filter(organization_id__in=data_lead_organization_ids(user))
