"""Who may open the ingest pages: hub stewards, and partner data leads for their own organizations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.db.models import QuerySet
from django.http import HttpRequest

from commonground.ecosystem.models import Organization
from commonground.ingest.permissions import may_submit_data, submittable_organizations


class DataSubmitterRequiredMixin(AccessMixin):
    """Anonymous users are sent to sign in; signed-in users who may not submit data get 403."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_submit_data(request.user):
            return self.handle_no_permission()  # raises PermissionDenied for a signed-in user
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def organizations(self) -> QuerySet[Organization]:
        """The organizations the user may submit for."""
        return submittable_organizations(self.request.user)


def wants_json(request: HttpRequest) -> bool:
    """True for the upload script's requests (it sends ``X-Requested-With: XMLHttpRequest``)."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"
