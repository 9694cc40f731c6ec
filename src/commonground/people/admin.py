"""Admin pages about people (hub stewards)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User
from commonground.utilities.admin import StewardModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("organization", "role", "title", "starts_on", "ends_on", "is_active")
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(User)
class HubUserAdmin(StewardModelAdmin, UserAdmin):
    """Django's user admin plus the hub's fields; only superusers may grant staff or superuser status."""

    list_display = ("username", "display_name", "email", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "preferred_language")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Hub", {"fields": ("display_name", "preferred_language")}),
    )
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "is_staff", "is_superuser", "groups", "user_permissions")
        return fields


@admin.register(Membership)
class MembershipAdmin(StewardModelAdmin):
    list_display = ("user", "organization", "role", "title", "starts_on", "ends_on", "is_active")
    list_filter = ("role", "is_active", "organization__kind")
    search_fields = ("user__username", "user__display_name", "organization__name", "title")
    autocomplete_fields = ("user", "organization")
    list_select_related = ("user", "organization")


@admin.register(TrainingCourse)
class TrainingCourseAdmin(StewardModelAdmin):
    list_display = ("name", "slug", "valid_for_days")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TrainingRecord)
class TrainingRecordAdmin(StewardModelAdmin):
    list_display = ("user", "course", "completed_on", "expires_on")
    list_filter = ("course",)
    search_fields = ("user__username", "user__display_name", "course__name")
    autocomplete_fields = ("user", "course")
    list_select_related = ("user", "course")
    date_hierarchy = "completed_on"
