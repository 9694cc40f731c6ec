"""One release: its table and provenance, and its tidy CSV download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from commonground.questions.models import Release
from commonground.questions.releases import release_dims, release_rows
from commonground.questions.views.catalog import visible_question


def visible_release(request: HttpRequest, slug: str, version: int) -> Release:
    """The release of a question the viewer may see (404 otherwise)."""
    question = visible_question(request, slug)
    release = question.releases.filter(version=version).select_related("created_by").first()
    if release is None:
        raise Http404("No such release.")
    return release


class ReleaseDetailView(View):
    """The published table (suppressed cells marked, never 0) and where it came from."""

    def get(self, request: HttpRequest, slug: str, version: int) -> HttpResponse:
        """Show the release."""
        release = visible_release(request, slug, version)
        rows = release_rows(release.csv_text)
        dims = release_dims(rows)
        context = {
            "title": f"Release {release.version}: {release.question.wording}",
            "release": release,
            "question": release.question,
            "provenance": release.provenance,
            "dims": dims,
            "table_rows": [([row[d] for d in dims], row) for row in rows],
        }
        return render(request, "questions/release_detail.html", context)


class ReleaseCsvView(View):
    """The tidy CSV exactly as published (its SHA-256 is on the release page)."""

    def get(self, request: HttpRequest, slug: str, version: int) -> HttpResponse:
        """Download it."""
        release = visible_release(request, slug, version)
        response = HttpResponse(release.csv_text.encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-release-{release.version}.csv"'
        response["X-Content-SHA256"] = release.sha256
        return response
