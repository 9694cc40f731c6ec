"""Admin pages for the registry (hub stewards), read-only: the registry changes only through its actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from commonground.linkage.models import HubPerson, LinkRun, PersonRecord, RegistryEvent, ReviewItem
from commonground.utilities.admin import StewardModelAdmin


class ReadOnlyAdmin(StewardModelAdmin):
    """Stewards may look, never add, change or delete here (runs and decisions write the registry)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HubPerson)
class HubPersonAdmin(ReadOnlyAdmin):
    """Hub person ids and their status."""

    list_display = ("hub_id", "status", "merged_into", "created_at")
    list_filter = ("status",)
    search_fields = ("hub_id",)


@admin.register(PersonRecord)
class PersonRecordAdmin(ReadOnlyAdmin):
    """Source records and the hub person each belongs to."""

    list_display = ("organization", "source_person_id", "hub_person", "updated_at")
    list_filter = ("organization",)
    search_fields = ("source_person_id", "hub_person__hub_id")


@admin.register(LinkRun)
class LinkRunAdmin(ReadOnlyAdmin):
    """Linkage runs with their summaries."""

    list_display = ("pk", "kind", "started_at", "finished_at", "run_by")
    list_filter = ("kind",)


@admin.register(RegistryEvent)
class RegistryEventAdmin(ReadOnlyAdmin):
    """The registry's history."""

    list_display = ("at", "kind", "hub_person", "other", "actor", "reason")
    list_filter = ("kind",)


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    """Pairs for review and their decisions."""

    list_display = ("pk", "record_a", "record_b", "probability", "status", "decided_by", "decided_at")
    list_filter = ("status",)
