"""Ingest pages: submissions and their reports, the upload page, the mapping wizard and API tokens."""

from commonground.ingest.views.quarantine import QuarantineDownloadView
from commonground.ingest.views.submissions import SubmissionDetailView, SubmissionListView
from commonground.ingest.views.tokens import RevokeTokenView, SystemTokensView
from commonground.ingest.views.upload import UploadView
from commonground.ingest.views.wizard import WizardMapView, WizardPreviewView, WizardStartView

__all__ = [
    "QuarantineDownloadView",
    "RevokeTokenView",
    "SubmissionDetailView",
    "SubmissionListView",
    "SystemTokensView",
    "UploadView",
    "WizardMapView",
    "WizardPreviewView",
    "WizardStartView",
]
