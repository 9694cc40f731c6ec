"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ecosystem/", include("commonground.ecosystem.urls")),
    path("people/", include("commonground.people.urls")),
    path("", include("commonground.people.urls_auth")),
]
