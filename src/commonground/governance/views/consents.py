"""Consent pages (stewards only: they name children): list, record, revoke, import, receipts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from commonground.governance import actions
from commonground.governance.forms import ConsentForm, ConsentImportForm, RevokeConsentForm
from commonground.governance.models import Consent
from commonground.governance.receipts import consent_receipt
from commonground.governance.tables import ConsentTable
from commonground.people.permissions import is_steward
from commonground.utilities.views import (
    ObjectDetailView,
    ObjectEditView,
    StewardObjectListView,
    StewardRequiredMixin,
)

RELATED = ("source_organization", "collected_by")


class ConsentListView(StewardObjectListView):
    """Every consent on record."""

    template_name = "governance/object_list.html"
    model = Consent
    queryset = Consent.objects.select_related(*RELATED)
    table_class = ConsentTable
    search_fields = ("source_person_id", "form_reference", "hub_person_id")  # names are encrypted at rest
    kind_field = "signature_method"
    kind_label = "Signed"
    title = "Consents"
    intro = (
        "Written consents of parents and eligible students (34 CFR 99.30). Records flow under a consent only while "
        "it is signed, unexpired and not revoked; revocation takes effect at once. An opt-out is never consent."
    )
    create_url_name = "governance:consent_create"


class ConsentDetailView(ObjectDetailView):
    """One consent; anyone but a steward gets "not found"."""

    model = Consent

    def get_queryset(self) -> QuerySet[Any]:
        if not is_steward(self.request.user):
            return Consent.objects.none()
        return Consent.objects.select_related(*RELATED, "revoked_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status"] = self.object.status_label(timezone.now())
        context["recipients"] = self.object.recipients.order_by("name")
        return context


class ConsentCreateView(ObjectEditView):
    """Record a signed consent."""

    template_name = "governance/object_form.html"
    model = Consent
    form_class = ConsentForm

    def save(self, form: Any) -> Model:
        data = dict(form.cleaned_data)
        recipients = data.pop("recipients")
        return actions.do_record_consent(acting_user=self.request.user, recipients=recipients, **data)


class ConsentRevokeView(StewardRequiredMixin, View):
    """Revoke a consent, effective immediately."""

    def _page(self, consent: Consent, form: RevokeConsentForm) -> HttpResponse:
        context = {"form": form, "object": consent, "title": f"Revoke the consent for {consent.student_name}"}
        context["cancel_url"] = consent.get_absolute_url()
        return render(self.request, "governance/object_form.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._page(get_object_or_404(Consent, pk=pk), RevokeConsentForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        consent = get_object_or_404(Consent, pk=pk)
        form = RevokeConsentForm(request.POST)
        if form.is_valid():
            try:
                consent = actions.do_revoke_consent(
                    acting_user=request.user, consent=consent, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"Revoked the consent for {consent.student_name}. Nothing flows under it now."
                )
                return HttpResponseRedirect(consent.get_absolute_url())
        return self._page(consent, form)


class ConsentImportView(StewardRequiredMixin, View):
    """Upload a CSV of consents collected on paper: all rows are stored, or none and every error is listed."""

    template_name = "governance/consent_import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request, self.template_name, {"form": ConsentImportForm(), "title": "Import paper consents"}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ConsentImportForm(request.POST, request.FILES)
        errors: list[str] = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                created = actions.do_import_consents(
                    acting_user=request.user,
                    organization=form.cleaned_data["organization"],
                    raw=upload.read(),
                    file=upload.name,
                )
            except actions.ConsentImportError as exc:
                errors = [str(e) for e in exc.errors]
            else:
                messages.success(request, f"Imported {len(created)} consents from {upload.name}.")
                return HttpResponseRedirect(reverse("governance:consent_list"))
        context = {"form": form, "errors": errors, "title": "Import paper consents"}
        return render(request, self.template_name, context, status=200)


class ConsentReceiptView(StewardRequiredMixin, View):
    """A printable receipt for the family, or the same receipt as JSON (``.json``)."""

    def get(self, request: HttpRequest, pk: int, as_json: bool = False) -> HttpResponse:
        consent = get_object_or_404(Consent.objects.select_related(*RELATED), pk=pk)
        receipt = consent_receipt(consent, timezone.now())
        if as_json:
            response = JsonResponse(receipt, json_dumps_params={"indent": 2, "ensure_ascii": False})
            response["Content-Disposition"] = f'inline; filename="consent-receipt-{consent.pk}.json"'
            return response
        context = {"object": consent, "receipt": receipt, "title": f"Consent receipt {receipt['receipt_id']}"}
        return render(request, "governance/consent_receipt.html", context)
