"""Values every page needs: the hub's name and whether the viewer is a hub steward (for the navigation)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from commonground.people.permissions import is_steward


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add ``hub_name`` and ``is_steward`` to every template context."""
    user = getattr(request, "user", None)
    return {
        "hub_name": getattr(settings, "COMMONGROUND_HUB_NAME", "Common Ground"),
        "is_steward": is_steward(user),
    }
