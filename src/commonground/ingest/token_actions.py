"""API tokens for partner systems: issue (shown once), revoke, and recognise a presented token."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import InformationSystem
from commonground.ingest.models import SystemToken

TOKEN_PREFIX = "cgt_"  # noqa: S105 - a public marker that tokens start with, not a secret
#: How many leading characters of a token are stored in clear, so people can tell tokens apart.
SHOWN_CHARS = 12


def hash_token(token: str) -> str:
    """The SHA-256 of a token (hex).  Tokens are 32 random bytes, so no slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def do_issue_system_token(
    *, acting_user: Any, system: InformationSystem, name: str
) -> tuple[SystemToken, str]:
    """Issue a new token for ``system``; return the stored row and the token itself (never stored)."""
    name = name.strip()
    if not name:
        raise ValidationError("a token needs a name that says what uses it")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = SystemToken.objects.create(
        system=system,
        name=name,
        prefix=token[:SHOWN_CHARS],
        token_hash=hash_token(token),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=timezone.now(),
    )
    audit.record(
        actor=acting_user,
        action="ingest.issue_system_token",
        obj=row,
        summary=f"Issued API token {row.prefix}… ({name}) for {system}",
        details={"system": system.pk, "prefix": row.prefix},
    )
    return row, token


@transaction.atomic
def do_revoke_system_token(*, acting_user: Any, token: SystemToken) -> SystemToken:
    """Revoke a token: from now on it is refused.  Revoking twice changes nothing."""
    token = SystemToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=acting_user,
        action="ingest.revoke_system_token",
        obj=token,
        summary=f"Revoked API token {token.prefix}… ({token.name}) of {token.system}",
        details={"system": token.system_id, "prefix": token.prefix},
    )
    return token


def authenticate_token(token: str) -> SystemToken | None:
    """The active token row matching ``token`` (its last use is noted), or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        SystemToken.objects.select_related("system__organization")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None:
        return None
    # Bookkeeping, not a change anyone decided: no audit row (every submission it makes is audited).
    now = timezone.now()
    SystemToken.objects.filter(pk=row.pk).update(last_used_at=now)
    row.last_used_at = now
    return row
