"""Submission list and the submission report page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView

from commonground.ingest.choices import SubmissionFormat, SubmissionStatus
from commonground.ingest.models import Submission
from commonground.ingest.permissions import visible_submissions
from commonground.ingest.report_page import report_context
from commonground.ingest.tables import SubmissionTable
from commonground.ingest.views.access import DataSubmitterRequiredMixin
from commonground.utilities.views import ObjectListView


class SubmissionListView(DataSubmitterRequiredMixin, ObjectListView):
    """The submissions the user may see, filterable by organization, status and format."""

    model = Submission
    template_name = "ingest/submission_list.html"
    table_class = SubmissionTable
    title = "Data submissions"
    intro = (
        "Every delivery of data to the hub, with what was found in it. Open one to read its report: "
        "rows per table, how complete each column is, and every problem with its file, line and column."
    )

    def get_queryset(self) -> QuerySet[Any]:
        queryset = visible_submissions(self.request.user)
        params = self.request.GET
        if params.get("organization"):
            queryset = queryset.filter(organization__slug=params["organization"])
        if params.get("status") in SubmissionStatus.values:
            queryset = queryset.filter(status=params["status"])
        if params.get("format") in SubmissionFormat.values:
            queryset = queryset.filter(format=params["format"])
        self.table = self.table_class(self.request, caption=self.title)
        return self.table.order(queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        context.update(
            organizations=self.organizations().order_by("name"),
            statuses=SubmissionStatus.choices,
            formats=SubmissionFormat.choices,
            current={k: params.get(k, "") for k in ("organization", "status", "format")},
            filtered=any(params.get(k) for k in ("organization", "status", "format")),
        )
        return context


class SubmissionDetailView(DataSubmitterRequiredMixin, DetailView):
    """A submission's validation report.  Another organization's submission is "not found"."""

    model = Submission
    template_name = "ingest/submission_detail.html"
    context_object_name = "submission"

    def get_queryset(self) -> QuerySet[Submission]:
        return visible_submissions(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(report_context(self.object, self.request.GET))
        context["title"] = f"Submission #{self.object.pk}"
        return context
