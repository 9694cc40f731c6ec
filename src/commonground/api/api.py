"""The NinjaAPI instance: routes, authentication, and errors as JSON with a plain message."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from commonground.api.auth import SystemTokenAuth
from commonground.api.routers.ingest import router as ingest_router

api = NinjaAPI(
    title="Common Ground partner API",
    version="1",
    description=(
        "Partner systems push their exports to the hub. Every request carries "
        "`Authorization: Bearer <token>`, a token a hub steward issued for one information system; "
        "the token decides the organization, and only that organization's submissions are visible."
    ),
    urls_namespace="api",
    auth=SystemTokenAuth(),
)
api.add_router("/v1/", ingest_router)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": "a valid API token is required: send 'Authorization: Bearer <token>' with a token "
            "a hub steward issued for your system (this one is missing, unknown or revoked)"
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="commonground"'
    return response


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "form", "file"))
    return f"{where or 'request'}: {error.get('msg', 'invalid')}"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # 400, not 422: 422 is kept for submissions whose files were read and rejected.
    messages = [_describe(e) for e in exc.errors]
    return api.create_response(
        request,
        {"detail": "the request is not valid: " + "; ".join(messages), "errors": exc.errors},
        status=400,
    )
