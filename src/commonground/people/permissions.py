"""Who may do what on the hub's pages.  One condition per line so tests cover each case."""

from __future__ import annotations

from typing import Any

from commonground.people.choices import Role

_CACHE_ATTR = "_commonground_is_steward"


def is_steward(user: Any) -> bool:
    """True for a signed-in, active user with an active hub-steward membership, or a superuser.

    The answer is cached on the user object, which lives for one request.
    """
    if user is None or not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = Role.HUB_STEWARD in {role for _org, role in user.active_roles()}
        setattr(user, _CACHE_ATTR, cached)
    return bool(cached)


def may_see_person(viewer: Any, owner_id: int | None) -> bool:
    """A user may always see their own records; stewards may see everyone's."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == owner_id:
        return True
    return is_steward(viewer)
