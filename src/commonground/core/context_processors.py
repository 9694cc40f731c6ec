"""Values every page needs: the hub's name and whether the viewer is a hub steward (for the navigation)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from commonground.actionlists.permissions import may_see_action_list
from commonground.governance.permissions import can_see_agreements
from commonground.ingest.permissions import may_submit_data
from commonground.people.permissions import is_steward


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add ``hub_name``, ``is_steward``, ``can_submit_data`` and ``can_see_agreements`` to every template context."""
    user = getattr(request, "user", None)
    return {
        "hub_name": getattr(settings, "COMMONGROUND_HUB_NAME", "Common Ground"),
        "is_steward": is_steward(user),
        # Stewards and partner data leads see "Data submissions" in the navigation.
        "can_submit_data": may_submit_data(user),
        # Stewards and partner data leads see "Agreements" (consents and opt-outs are for stewards only).
        "can_see_agreements": can_see_agreements(user),
        # Case managers and data leads see "Students" (their action list) and "Data requests".
        "sees_action_lists": may_see_action_list(user),
    }
