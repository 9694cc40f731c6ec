"""Session and sign-in hardening: who needs a second factor, idle and absolute session timeouts.

Both are middleware so that every page — present and future — is covered without each view remembering to ask.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from commonground.people.choices import STUDENT_LEVEL_ROLES
from commonground.people.models import remember_roles_for_request

_STARTED = "cg_session_started"
_LAST = "cg_session_last_seen"
#: Seconds between two writes of the last-seen time (each write saves the session: a database transaction).
_LAST_SEEN_STEP = 30.0
#: Paths a signed-in user who still owes the second factor may reach (the rest redirect to the code page).
_OPEN_PREFIXES = ("/two-factor/", "/sign-out/", "/sign-in/", "/static/", "/favicon")


def needs_two_factor(user: Any) -> bool:
    """True for superusers and anyone with an active membership in a role that can see student-level data."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(role in STUDENT_LEVEL_ROLES for _org, role in user.active_roles())


def two_factor_required() -> bool:
    """Whether this hub enforces the second factor (on in production; see ``COMMONGROUND_REQUIRE_2FA``)."""
    return bool(getattr(settings, "COMMONGROUND_REQUIRE_2FA", True))


class RequireTwoFactorMiddleware:
    """Send a signed-in user who must use a second factor, and has not yet in this session, to the code page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            two_factor_required()
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()  # set by django_otp's OTPMiddleware
            and needs_two_factor(user)
        ):
            target = reverse("two_factor")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """End a session after ``COMMONGROUND_SESSION_IDLE_MINUTES`` without a request, or
    ``COMMONGROUND_SESSION_MAX_HOURS`` after sign-in, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # This user object was built for this request alone: it may keep its memberships until the response.
            remember_roles_for_request(user)
            now = time.time()
            session = request.session
            started = session.setdefault(_STARTED, now)
            last = session.get(_LAST, now)
            idle = float(getattr(settings, "COMMONGROUND_SESSION_IDLE_MINUTES", 30)) * 60
            absolute = float(getattr(settings, "COMMONGROUND_SESSION_MAX_HOURS", 12)) * 3600
            if now - last > idle or now - started > absolute:
                logout(request)  # flushes the session: its key and data are gone from the store
                messages.info(
                    request, "You were signed out after a period without activity. Please sign in again."
                )
                target = reverse(settings.LOGIN_URL)
                return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
            if _LAST not in session or now - last >= min(_LAST_SEEN_STEP, idle / 60):
                # Saving the session costs a write transaction on every page, so "last seen" moves in steps (at
                # most 30 s, 1/60 of the idle time): the idle timeout can come up to one step sooner, never later.
                session[_LAST] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on every response: scripts and styles only from the hub itself, no inline
    script, no eval (charts use the CSP-safe Vega interpreter), no framing, forms post only to the hub."""

    POLICY = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
