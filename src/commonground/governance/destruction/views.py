"""Steward pages for certificates of destruction: the list, one certificate (printable), and its signed JSON."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, View

from commonground.core.signing import key_path, load_or_create_key, public_key_hex
from commonground.governance.destruction.checks import check_certificate
from commonground.governance.models import DestructionCertificate
from commonground.utilities.tables import Column, Table
from commonground.utilities.views import StewardObjectListView, StewardRequiredMixin


class CertificateTable(Table):
    """Certificates: when, what was destroyed, why, by whom."""

    default_sort = "-issued"
    columns = (
        Column(
            "issued",
            "Issued",
            lambda r: timezone.localtime(r.issued_at).strftime("%Y-%m-%d %H:%M"),
            link=lambda r: r.get_absolute_url(),
            order_by=("issued_at",),
        ),
        Column("kind", "Kind", lambda r: r.get_kind_display(), order_by=("kind", "issued_at")),
        Column("what", "Agreement or student", lambda r: r.agreement_reference or r.hub_person_id),
        Column("organizations", "Organizations", lambda r: ", ".join(r.body["destroyed"]["organizations"])),
        Column("by", "Performed by", lambda r: r.performed_by_label, order_by=("performed_by_label",)),
        Column("id", "Certificate", lambda r: r.certificate_id),
    )


class CertificateListView(StewardObjectListView):
    """Every certificate of destruction the hub issued."""

    template_name = "governance/destruction_list.html"
    model = DestructionCertificate
    table_class = CertificateTable
    search_fields = ("certificate_id", "agreement_reference", "hub_person_id")
    kind_field = "kind"
    title = "Certificates of destruction"
    intro = (
        "Each time the hub destroys data — when an agreement ends, or on a lawful request about one student — it "
        "deletes the files, destroys the data keys (crypto-shredding), checks that nothing readable is left in the "
        "hub and its latest backup, and signs a certificate (NIST SP 800-88 Rev. 1, Appendix G)."
    )


class CertificateDetailView(StewardRequiredMixin, DetailView):
    """One certificate, printable, with whether its signature and audit entry still check out."""

    template_name = "governance/destruction_detail.html"
    model = DestructionCertificate
    slug_field = "certificate_id"
    slug_url_kwarg = "certificate_id"
    context_object_name = "certificate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record: DestructionCertificate = self.object
        trusted = public_key_hex(load_or_create_key()) if key_path().exists() else None
        context.update(
            problems=check_certificate(record, trusted),
            body=record.body,
            destroyed=record.body["destroyed"],
            details=record.body["sanitization_details"],
            body_json=json.dumps(record.body, indent=2, sort_keys=True),
        )
        return context


class CertificateJsonView(StewardRequiredMixin, View):
    """The certificate as signed: body, SHA-256, public key and signature, as a download."""

    def get(self, request: HttpRequest, certificate_id: str) -> HttpResponse:
        record = get_object_or_404(DestructionCertificate, certificate_id=certificate_id)
        payload = {
            "body": record.body,
            "sha256": record.body_sha256,
            "public_key": record.public_key,
            "signature": record.signature,
            "signed_over": "canonical JSON of body: sorted keys, no spaces, UTF-8",
        }
        response = HttpResponse(json.dumps(payload, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="destruction-{record.certificate_id}.json"'
        return response
