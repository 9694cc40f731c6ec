"""The hub's URLs plus the load benchmark's page without the gate (only under ``bench/load_settings.py``)."""

from __future__ import annotations

from django.urls import path

from commonground.urls import urlpatterns as hub_urls
from load_ungated import UngatedStudentListView

urlpatterns = [
    path("bench/students-ungated/", UngatedStudentListView.as_view(), name="bench_students_ungated"),
    *hub_urls,
]
