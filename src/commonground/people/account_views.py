"""The signed-in user's own account: password change (ends their other sessions) and the lockout page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from commonground.core import audit


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change: other sessions end (their session hash no longer matches), this one goes on."""

    template_name = "people/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        """Save the new password and its audit entry in one transaction."""
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(
                actor=form.user,
                action="people.change_password",
                obj=form.user,
                summary="Changed their password",
            )
        messages.success(self.request, "Your password was changed. You were signed out everywhere else.")
        return response


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes shows when sign-in is paused after too many failures (HTTP 429)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    minutes = int(cooloff.total_seconds() // 60) if cooloff is not None else 15
    return render(request, "people/locked_out.html", {"cooloff_minutes": minutes}, status=429)
