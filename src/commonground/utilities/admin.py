"""The base ModelAdmin for hub stewards: stewards may view, add and change; every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Model
from django.http import HttpRequest

from commonground.core import audit
from commonground.people.permissions import is_steward


class StewardModelAdmin(admin.ModelAdmin):
    """Stewards may view, add and change; only superusers may delete.  Saves write an audit row.

    The admin wraps each change in a transaction, so the audit row commits or rolls back with it.
    """

    # Web addresses typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_steward(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_steward(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_steward(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_steward(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = "change" if change else "add"
        label = obj._meta.model_name
        audit.record(
            actor=request.user,
            action=f"admin.{verb}_{label}",
            obj=obj,
            summary=f"Admin {verb}: {obj}",
            details={"fields": sorted(form.changed_data)},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(
                actor=request.user,
                action=f"admin.add_{obj._meta.model_name}",
                obj=obj,
                summary=f"Admin add: {obj}",
            )
        for obj, fields in formset.changed_objects:
            audit.record(
                actor=request.user,
                action=f"admin.change_{obj._meta.model_name}",
                obj=obj,
                summary=f"Admin change: {obj}",
                details={"fields": sorted(fields)},
            )
        for obj in formset.deleted_objects:
            audit.record(
                actor=request.user,
                action=f"admin.delete_{obj._meta.model_name}",
                obj=None,
                summary=f"Admin delete: {obj}",
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.record(
            actor=request.user,
            action=f"admin.delete_{obj._meta.model_name}",
            obj=obj,
            summary=f"Admin delete: {obj}",
        )
        super().delete_model(request, obj)
