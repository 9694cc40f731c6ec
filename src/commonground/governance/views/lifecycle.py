"""Lifecycle steps and signatories of an agreement (stewards only).  Each POST calls one action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View

from commonground.governance import actions
from commonground.governance.forms import DestructionForm, ReasonForm, SignatoryForm, SignatureForm
from commonground.governance.models import Agreement, Signatory
from commonground.governance.views.agreements import STEPS
from commonground.utilities.views import StewardRequiredMixin

#: The form each step asks for first (steps without one are a single button).
STEP_FORMS: dict[str, type[forms.Form]] = {
    "return": ReasonForm,
    "terminate": ReasonForm,
    "destroy": DestructionForm,
}


def _run(step: str, user: Any, agreement: Agreement, data: dict[str, Any]) -> Agreement:
    """Call the action of ``step`` with the form's data."""
    if step == "submit":
        return actions.do_submit_agreement_for_review(acting_user=user, agreement=agreement)
    if step == "return":
        return actions.do_return_agreement_to_draft(
            acting_user=user, agreement=agreement, reason=data["reason"]
        )
    if step == "sign":
        return actions.do_sign_agreement(acting_user=user, agreement=agreement)
    if step == "activate":
        return actions.do_activate_agreement(acting_user=user, agreement=agreement)
    if step == "expire":
        return actions.do_expire_agreement(acting_user=user, agreement=agreement)
    if step == "terminate":
        return actions.do_terminate_agreement(acting_user=user, agreement=agreement, reason=data["reason"])
    return actions.do_record_agreement_destruction(acting_user=user, agreement=agreement, **data)


def report_refusal(request: HttpRequest, exc: ValidationError) -> None:
    """Show every message of a refused action (each one names what is missing)."""
    for message in exc.messages:
        messages.error(request, message)


class TransitionView(StewardRequiredMixin, View):
    """Move an agreement one step along its lifecycle; steps that need a reason or a certificate show a form."""

    template_name = "governance/agreement_step.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.step = kwargs["step"]
        if self.step not in {url for _, url, _, _ in STEPS}:
            raise Http404("No such step.")
        self.label = next(label for _, url, label, _ in STEPS if url == self.step)

    def _page(self, agreement: Agreement, form: forms.Form) -> HttpResponse:
        context = {"object": agreement, "form": form, "title": f"{self.label}: {agreement.reference}"}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        agreement = get_object_or_404(Agreement, pk=pk)
        form_class = STEP_FORMS.get(step)
        if form_class is None:
            return HttpResponseRedirect(agreement.get_absolute_url())
        return self._page(agreement, form_class())

    def post(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        agreement = get_object_or_404(Agreement, pk=pk)
        data: dict[str, Any] = {}
        form_class = STEP_FORMS.get(step)
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                return self._page(agreement, form)
            data = form.cleaned_data
        try:
            agreement = _run(step, request.user, agreement, data)
        except ValidationError as exc:
            report_refusal(request, exc)
        else:
            messages.success(
                request, f"{agreement.reference} is now {agreement.get_status_display().lower()}."
            )
        return HttpResponseRedirect(agreement.get_absolute_url())


class SignatoryCreateView(StewardRequiredMixin, View):
    """Name a decision maker who signs for one of the parties."""

    def _page(self, agreement: Agreement, form: forms.BaseForm) -> HttpResponse:
        context = {"form": form, "object": agreement, "title": f"Add a signatory to {agreement.reference}"}
        context["cancel_url"] = agreement.get_absolute_url()
        return render(self.request, "governance/object_form.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        agreement = get_object_or_404(Agreement, pk=pk)
        return self._page(agreement, SignatoryForm(agreement=agreement))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        agreement = get_object_or_404(Agreement, pk=pk)
        form = SignatoryForm(request.POST, agreement=agreement, instance=Signatory(agreement=agreement))
        if form.is_valid():
            try:
                actions.do_add_signatory(acting_user=request.user, agreement=agreement, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Added {form.cleaned_data['name']} as a signatory.")
                return HttpResponseRedirect(agreement.get_absolute_url())
        return self._page(agreement, form)


class SignatureView(StewardRequiredMixin, View):
    """Record the date a signatory signed (POST), or remove the signatory (POST with ``remove``)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        signatory = get_object_or_404(Signatory.objects.select_related("agreement"), pk=pk)
        agreement = signatory.agreement
        try:
            if "remove" in request.POST:
                actions.do_remove_signatory(acting_user=request.user, signatory=signatory)
                messages.success(request, f"Removed {signatory.name}.")
            else:
                form = SignatureForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Give the date of the signature.")
                    return HttpResponseRedirect(agreement.get_absolute_url())
                actions.do_record_signature(
                    acting_user=request.user, signatory=signatory, signed_on=form.cleaned_data["signed_on"]
                )
                messages.success(request, f"Recorded the signature of {signatory.name}.")
        except ValidationError as exc:
            report_refusal(request, exc)
        return HttpResponseRedirect(agreement.get_absolute_url())
