"""The project's URLs plus two deliberately bad views that read the data plane without the gate.

``test_gate_coverage.py`` proves its runtime walk catches them (and so would catch a new view like them).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from commonground.ingest import dataplane
from commonground.urls import urlpatterns as project_urls


def leaky_relation(request: HttpRequest) -> HttpResponse:
    """Reads every student's attendance straight from the current view: no decision, no record."""
    con = dataplane.connect()
    rows = dataplane.current_relation(con, "attendance_event").fetchall()
    return HttpResponse(f"{len(rows)} rows")


def leaky_parquet(request: HttpRequest) -> HttpResponse:
    """Globs the batch files and reads them with DuckDB directly."""
    files = sorted(str(p) for p in dataplane.data_dir().glob("batches/attendance_event/*/*/*.parquet"))
    rows = dataplane.connect().read_parquet(files).fetchall() if files else []
    return HttpResponse(f"{len(rows)} rows")


urlpatterns = [
    path("leaky/relation/", leaky_relation),
    path("leaky/parquet/", leaky_parquet),
    *project_urls,
]
