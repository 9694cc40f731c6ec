"""Ingest routes: submissions and their reports, the upload page, the mapping wizard, API tokens."""

from django.urls import path

from commonground.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.SubmissionListView.as_view(), name="submission_list"),
    path("submissions/<int:pk>/", views.SubmissionDetailView.as_view(), name="submission_detail"),
    path(
        "submissions/<int:pk>/quarantine/<slug:table>.csv",
        views.QuarantineDownloadView.as_view(),
        name="quarantine_download",
    ),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path("mappings/wizard/", views.WizardStartView.as_view(), name="mapping_wizard"),
    path("mappings/wizard/<str:token>/", views.WizardMapView.as_view(), name="mapping_wizard_map"),
    path(
        "mappings/wizard/<str:token>/preview/",
        views.WizardPreviewView.as_view(),
        name="mapping_wizard_preview",
    ),
    path("systems/<int:pk>/tokens/", views.SystemTokensView.as_view(), name="system_tokens"),
    path(
        "systems/<int:pk>/tokens/<int:token_pk>/revoke/",
        views.RevokeTokenView.as_view(),
        name="system_token_revoke",
    ),
]
