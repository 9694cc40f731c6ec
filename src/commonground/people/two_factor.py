"""Two-factor sign-in (TOTP, RFC 6238) for the roles that can see student-level data.

After the password, such a user enters a 6-digit code from an authenticator app; on first use they enrol by
scanning a QR code (drawn server-side as SVG, no script) or typing the secret. Wrong codes are throttled by
django-otp (growing delays), and every enrolment and successful verification leaves an audit entry.
"""

from __future__ import annotations

import base64
from typing import cast

import segno
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from commonground.core import audit
from commonground.people.models import User


class CodeForm(forms.Form):
    """The six digits from the authenticator app."""

    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return reverse("home")
    return target


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def do_enrol_totp(*, user: User, device: TOTPDevice) -> TOTPDevice:
    """Mark the device as confirmed (its first code was right) and record the enrolment."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit.record(
        actor=user,
        action="people.enrol_two_factor",
        obj=user,
        summary=f"{user.username} set up two-factor sign-in",
    )
    return device


@transaction.atomic
def do_record_second_factor(*, user: User) -> None:
    """Record a completed two-factor sign-in."""
    audit.record(
        actor=user,
        action="people.two_factor_sign_in",
        obj=user,
        summary=f"{user.username} signed in with a second factor",
    )


class TwoFactorView(LoginRequiredMixin, View):
    """Ask for the code; users without a device are sent to enrolment."""

    template_name = "people/two_factor.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        """Show the code form (or go to enrolment)."""
        user = cast(User, request.user)
        if confirmed_device(user) is None:
            return HttpResponseRedirect(f"{reverse('two_factor_setup')}?next={_next(request)}")
        return render(request, self.template_name, {"form": CodeForm(), "next": _next(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        """Check the code; on success the session counts as verified."""
        user = cast(User, request.user)
        device = confirmed_device(user)
        if device is None:
            return HttpResponseRedirect(reverse("two_factor_setup"))
        form = CodeForm(request.POST)
        if form.is_valid():
            allowed, _why = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                do_record_second_factor(user=user)
                return HttpResponseRedirect(_next(request))
            form.add_error(
                "code", "That code is not right, or it has expired. Wait for the next code and try again."
            )
        return render(request, self.template_name, {"form": form, "next": _next(request)}, status=400)


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Enrol an authenticator app: show the secret as a QR code and as text, confirm with a first code."""

    template_name = "people/two_factor_setup.html"

    def _pending(self, user: User) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)

    def _context(self, request: HttpRequest, device: TOTPDevice, form: CodeForm) -> dict[str, object]:
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        qr = segno.make(device.config_url, error="m")
        return {
            "form": form,
            "next": _next(request),
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": mark_safe(qr.svg_inline(scale=4, title="QR code for your authenticator app")),  # noqa: S308 - segno output, no user input
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        """Show the QR code and the secret (users with a device verify instead)."""
        user = cast(User, request.user)
        if confirmed_device(user) is not None:
            return HttpResponseRedirect(f"{reverse('two_factor')}?next={_next(request)}")
        return render(request, self.template_name, self._context(request, self._pending(user), CodeForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        """Confirm enrolment with a first correct code."""
        user = cast(User, request.user)
        if confirmed_device(user) is not None:
            return HttpResponseRedirect(reverse("two_factor"))
        device = self._pending(user)
        form = CodeForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            do_enrol_totp(user=user, device=device)
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        if form.is_valid():
            form.add_error(
                "code", "That code is not right. Check the app shows Common Ground and try the next code."
            )
        return render(request, self.template_name, self._context(request, device, form), status=400)
