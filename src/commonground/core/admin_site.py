"""The Django admin site for hub stewards.  Imports no models: it is loaded while the app registry starts."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from commonground.people.permissions import is_steward


class HubAdminSite(admin.AdminSite):
    """Admin site open to staff and to active hub stewards."""

    site_header = "Common Ground administration"
    site_title = "Common Ground admin"
    index_title = "Registry and people"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_staff or is_steward(user)))


class HubAdminConfig(AdminConfig):
    """Installs :class:`HubAdminSite` as ``admin.site``."""

    default_site = "commonground.core.admin_site.HubAdminSite"
