"""Bearer-token authentication for partner systems.

A token identifies one information system, and through it one organization: everything the API does for a
token is scoped to that organization. Unknown and revoked tokens are refused alike (401), so a refusal says
nothing about which tokens exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from commonground.ingest.models import SystemToken
from commonground.ingest.token_actions import authenticate_token
from commonground.ingest.uploads import describe_bytes, max_upload_bytes


class SystemTokenAuth(HttpBearer):
    """``Authorization: Bearer cgt_…`` → the :class:`SystemToken` (also on ``request.auth``)."""

    def authenticate(self, request: HttpRequest, token: str) -> SystemToken | None:
        row = authenticate_token(token.strip())
        if row is None:
            return None
        _refuse_oversized(request)
        return row


def _refuse_oversized(request: HttpRequest) -> None:
    # Checked here, the first thing run for an operation, so an oversized body is refused before it is read.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = max_upload_bytes()
    if length > limit:
        raise HttpError(
            413,
            f"the upload is {describe_bytes(length)}; the hub takes at most {describe_bytes(limit)} at once",
        )


def token_of(request: Any) -> SystemToken:
    """The authenticated token of an API request."""
    auth = request.auth
    assert isinstance(auth, SystemToken)  # noqa: S101 - the router requires SystemTokenAuth
    return auth
