"""Governance routes: agreements, the pathfinder, consents, directory information and the record of disclosures."""

from django.urls import path

from commonground.governance.destruction import views as destruction
from commonground.governance.views import (
    agreements,
    consents,
    directory,
    disclosures,
    documents,
    lifecycle,
    pathfinder,
)

app_name = "governance"
urlpatterns = [
    path("", agreements.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", agreements.AgreementEditView.as_view(), name="agreement_create"),
    path("agreements/<int:pk>/", agreements.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.AgreementEditView.as_view(), name="agreement_edit"),
    path("agreements/<int:pk>/step/<slug:step>/", lifecycle.TransitionView.as_view(), name="agreement_step"),
    path(
        "agreements/<int:pk>/signatories/new/",
        lifecycle.SignatoryCreateView.as_view(),
        name="signatory_create",
    ),
    path("signatories/<int:pk>/", lifecycle.SignatureView.as_view(), name="signatory_update"),
    path(
        "agreements/<int:pk>/document/", documents.AgreementDocumentView.as_view(), name="agreement_document"
    ),
    path("agreements/<int:pk>/document.pdf", documents.AgreementPdfView.as_view(), name="agreement_pdf"),
    path(
        "agreements/<int:pk>/versions/<int:number>/",
        documents.AgreementDocumentView.as_view(),
        name="agreement_version",
    ),
    path(
        "agreements/<int:pk>/versions/<int:number>.pdf",
        documents.AgreementPdfView.as_view(),
        name="agreement_version_pdf",
    ),
    path("agreements/<int:pk>/changes/", documents.AgreementDiffView.as_view(), name="agreement_diff"),
    path("pathfinder/", pathfinder.PathfinderView.as_view(), name="pathfinder"),
    path("pathfinder/draft/", pathfinder.PathfinderDraftView.as_view(), name="pathfinder_draft"),
    path("consents/", consents.ConsentListView.as_view(), name="consent_list"),
    path("consents/new/", consents.ConsentCreateView.as_view(), name="consent_create"),
    path("consents/import/", consents.ConsentImportView.as_view(), name="consent_import"),
    path("consents/<int:pk>/", consents.ConsentDetailView.as_view(), name="consent_detail"),
    path("consents/<int:pk>/revoke/", consents.ConsentRevokeView.as_view(), name="consent_revoke"),
    path("consents/<int:pk>/receipt/", consents.ConsentReceiptView.as_view(), name="consent_receipt"),
    path(
        "consents/<int:pk>/receipt.json",
        consents.ConsentReceiptView.as_view(),
        {"as_json": True},
        name="consent_receipt_json",
    ),
    path("directory/", directory.DesignationListView.as_view(), name="designation_list"),
    path("directory/new/", directory.DesignationEditView.as_view(), name="designation_create"),
    path("directory/<int:pk>/", directory.DesignationDetailView.as_view(), name="designation_detail"),
    path("directory/<int:pk>/edit/", directory.DesignationEditView.as_view(), name="designation_edit"),
    path("opt-outs/", directory.OptOutListView.as_view(), name="optout_list"),
    path("opt-outs/new/", directory.OptOutCreateView.as_view(), name="optout_create"),
    path("opt-outs/<int:pk>/", directory.OptOutDetailView.as_view(), name="optout_detail"),
    path("opt-outs/<int:pk>/withdraw/", directory.OptOutWithdrawView.as_view(), name="optout_withdraw"),
    path("disclosures/", disclosures.DisclosureListView.as_view(), name="disclosure_list"),
    path("destruction/", destruction.CertificateListView.as_view(), name="destruction_list"),
    path(
        "destruction/<str:certificate_id>/",
        destruction.CertificateDetailView.as_view(),
        name="destruction_certificate",
    ),
    path(
        "destruction/<str:certificate_id>.json",
        destruction.CertificateJsonView.as_view(),
        name="destruction_certificate_json",
    ),
]
