"""Admin: questions and releases are read-only there (every change goes through the audited actions)."""

from __future__ import annotations

from django.contrib import admin

from commonground.governance.admin import ReadOnlyAdmin
from commonground.questions.models import Question, Release


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    """The catalog with status and audience; read-only."""

    list_display = ("slug", "owner", "audience", "status", "version", "updated_at")
    list_filter = ("status", "audience")
    search_fields = ("slug", "wording")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    """Published releases; read-only (they are immutable anyway)."""

    list_display = ("question", "version", "created_at", "min_cell", "rows", "suppressed_rows", "sha256")
