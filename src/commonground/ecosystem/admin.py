"""Admin pages for the ecosystem registry (hub stewards)."""

from django.contrib import admin

from commonground.ecosystem.models import DataFlow, InformationSystem, Organization
from commonground.utilities.admin import StewardModelAdmin


class InformationSystemInline(admin.TabularInline):
    model = InformationSystem
    fields = ("name", "kind", "vendor")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(StewardModelAdmin):
    list_display = ("name", "slug", "kind", "parent", "neighborhood")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "neighborhood", "external_id")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    inlines = [InformationSystemInline]


@admin.register(InformationSystem)
class InformationSystemAdmin(StewardModelAdmin):
    list_display = ("name", "organization", "kind", "vendor")
    list_filter = ("kind", "organization__kind")
    search_fields = ("name", "vendor", "organization__name")
    autocomplete_fields = ("organization",)
    list_select_related = ("organization",)


@admin.register(DataFlow)
class DataFlowAdmin(StewardModelAdmin):
    list_display = ("what", "source", "target", "frequency", "method", "agreement_reference")
    list_filter = ("frequency", "method")
    search_fields = ("what", "source__name", "target__name", "agreement_reference")
    autocomplete_fields = ("source", "target")
    list_select_related = ("source__organization", "target__organization")
