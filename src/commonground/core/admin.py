"""Read-only admin view of the audit trail for stewards."""

from django.contrib import admin
from django.http import HttpRequest

from commonground.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Audit rows are append-only: the admin can list and read them, never change them."""

    list_display = ("seq", "at", "actor_label", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "actor_label", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
