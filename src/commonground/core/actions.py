"""Building blocks for ``do_*`` actions: validate, save and audit in the caller's transaction."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from commonground.core import audit

M = TypeVar("M", bound=models.Model)


def create_audited(
    obj: M, *, acting_user: Any, action: str, summary: str, details: dict[str, Any] | None = None
) -> M:
    """Validate and insert ``obj``, then write its audit row (call inside the action's transaction)."""
    obj.full_clean()
    obj.save()
    audit.record(actor=acting_user, action=action, obj=obj, summary=summary, details=details)
    return obj


def update_audited(obj: M, fields: dict[str, Any], *, acting_user: Any, action: str, summary: str) -> M:
    """Apply ``fields`` to ``obj``; when anything changed, validate, save and audit ``{field: [old, new]}``.

    Nothing is written, not even an audit row, when every value is already as asked.
    """
    changes: dict[str, list[str]] = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(obj, name, value)
    if changes:
        obj.full_clean()
        obj.save()
        audit.record(actor=acting_user, action=action, obj=obj, summary=summary, details={"changes": changes})
    return obj
