"""Admin pages for ingest (hub stewards).  Everything here is read-only: submissions change only through
``do_ingest``, mappings through the wizard's ``do_save_mapping``, tokens through their actions and ingest policies
through ``do_set_ingest_policy`` (``commonground ingest-policy``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from commonground.ingest.models import IngestPolicy, SavedMapping, Submission, SubmissionFile, SystemToken
from commonground.utilities.admin import StewardModelAdmin


class ReadOnlyAdmin(StewardModelAdmin):
    """Stewards may look, never add, change or delete here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubmissionFileInline(admin.TabularInline):
    """The files of a submission with their SHA-256."""

    model = SubmissionFile
    fields = ("name", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Submissions and their reports."""

    list_display = ("id", "submitted_at", "organization", "system", "format", "status", "rows")
    list_filter = ("status", "format", "organization")
    search_fields = ("organization__name", "organization__slug", "dataset", "fingerprint")
    list_select_related = ("organization", "system")
    date_hierarchy = "submitted_at"
    inlines = [SubmissionFileInline]
    fields = (
        "organization",
        "system",
        "format",
        "status",
        "semantics",
        "dataset",
        "submitted_by",
        "submitted_at",
        "decided_at",
        "fingerprint",
        "batch_path",
        "delta_tables",
        "quarantined_rows",
        "fixes_for",
        "rows_table",
        "report_summary",
    )
    readonly_fields = fields

    @admin.display(description="Rows")
    def rows(self, obj: Submission) -> int:
        return sum(int(n) for n in (obj.row_counts or {}).values())

    @admin.display(description="Rows per table")
    def rows_table(self, obj: Submission) -> SafeString:
        items = sorted((obj.row_counts or {}).items())
        if not items:
            return format_html("{}", "none")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", items))

    @admin.display(description="Report")
    def report_summary(self, obj: Submission) -> SafeString:
        summary = obj.report.get("summary", {})
        issues = obj.report.get("issues", [])[:20]
        listed = format_html_join(
            "", "<li>{} — {}</li>", ((i.get("severity", ""), i.get("message", "")) for i in issues)
        )
        return format_html(
            "<p>{} errors, {} warnings. <a href='{}'>Open the full report</a>.</p><ul>{}</ul>",
            summary.get("errors", 0),
            summary.get("warnings", 0),
            reverse("ingest:submission_detail", args=[obj.pk]),
            listed,
        )


@admin.register(SavedMapping)
class SavedMappingAdmin(ReadOnlyAdmin):
    """Saved tabular mappings, every version."""

    list_display = ("name", "system", "table", "created_at", "created_by")
    list_filter = ("table", "organization")
    search_fields = ("name", "system__name", "organization__name")
    list_select_related = ("system", "created_by")
    fields = ("organization", "system", "table", "name", "yaml_text", "created_by", "created_at")
    readonly_fields = fields


@admin.register(SystemToken)
class SystemTokenAdmin(ReadOnlyAdmin):
    """API tokens (only their first characters; the hub never stores a token itself)."""

    list_display = ("name", "system", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("system__organization",)
    search_fields = ("name", "prefix", "system__name")
    list_select_related = ("system",)
    fields = ("system", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields


@admin.register(IngestPolicy)
class IngestPolicyAdmin(ReadOnlyAdmin):
    """How many rows with errors may be quarantined, per scope (set with ``commonground ingest-policy``)."""

    list_display = ("__str__", "organization", "system", "table", "max_rows", "max_percent", "updated_at")
    list_filter = ("organization",)
    list_select_related = ("organization", "system")
    fields = ("organization", "system", "table", "max_rows", "max_percent", "updated_at")
    readonly_fields = fields
