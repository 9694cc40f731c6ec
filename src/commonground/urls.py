"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

from commonground.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ecosystem/", include("commonground.ecosystem.urls")),
    path("people/", include("commonground.people.urls")),
    path("ingest/", include("commonground.ingest.urls")),
    path("governance/", include("commonground.governance.urls")),
    path("linkage/", include("commonground.linkage.urls")),
    path("questions/", include("commonground.questions.urls")),
    path("", include("commonground.actionlists.urls")),  # /students/ and /requests/
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch on public pages
    path("", include("commonground.portal.urls")),
    path("", include("commonground.people.urls_auth")),
]
