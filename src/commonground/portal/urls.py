"""Public routes."""

from django.urls import path

from commonground.portal.views import TransparencyView

app_name = "portal"

urlpatterns = [
    path("transparency/", TransparencyView.as_view(), name="transparency"),
]
