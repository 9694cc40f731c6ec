"""Template helpers for the ecosystem map."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """``{{ urls|lookup:node_id }}`` — read a dictionary entry by a variable key."""
    return mapping.get(key, "")
