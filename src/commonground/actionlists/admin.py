"""Admin: data requests are read-only there (every change goes through the audited actions)."""

from __future__ import annotations

from django.contrib import admin

from commonground.actionlists.models import DataRequest
from commonground.governance.admin import ReadOnlyAdmin


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    """Requests with their status; read-only."""

    list_display = (
        "pk",
        "requesting_organization",
        "disclosing_organization",
        "kind",
        "status",
        "created_at",
    )
    list_filter = ("status", "kind")
