"""Downloading a submission's quarantined rows as CSV, to correct them and send them back."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from commonground.ingest.fixes import FixesError, do_download_quarantine
from commonground.ingest.permissions import visible_submissions
from commonground.ingest.views.access import DataSubmitterRequiredMixin


class QuarantineDownloadView(DataSubmitterRequiredMixin, View):
    """The quarantined rows of one table of a submission the user may read (otherwise "not found")."""

    def get(
        self, request: HttpRequest, pk: int, table: str, *args: Any, **kwargs: Any
    ) -> StreamingHttpResponse:
        submission = get_object_or_404(visible_submissions(request.user), pk=pk)
        try:
            lines = do_download_quarantine(acting_user=request.user, submission=submission, table=table)
        except FixesError as exc:
            raise Http404(str(exc)) from exc
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="submission-{submission.pk}-quarantine-{table}.csv"'
        )
        return response
