"""The action list, a student's page and the list's exports.  Each runs in one transaction so the records of
disclosure commit with the response that shows the data (and nothing is shown if they cannot be written)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from commonground.actionlists import exports, listing, timeline
from commonground.actionlists.students import COLUMNS


def _headers(request: HttpRequest, query: listing.Query) -> list[dict[str, str]]:
    """Column headers as sort links keeping the filters; the current sort column carries ``aria-sort``."""
    labels = {"name": "Student", "school": "School", **dict(COLUMNS)}
    out = []
    for key in listing.SORTS:
        params = request.GET.copy()
        params["sort"] = "-" + key if query.sort == key and not query.descending else key
        current = query.sort == key
        out.append(
            {
                "label": labels[key],
                "query": params.urlencode(),
                "aria_sort": ("descending" if query.descending else "ascending") if current else "",
            }
        )
    return out


class StudentListView(LoginRequiredMixin, View):
    """The students the user's program serves, each with what the gate lets them see."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """Read, filter and sort the list; the figures of every student read are recorded as disclosed."""
        query = listing.Query.from_get(request.GET)
        with transaction.atomic():
            result = listing.build(request.user, query, route="view", path=request.path)
        context: dict[str, Any] = {
            "title": "Students I serve",
            "result": result,
            "query": query,
            "columns": COLUMNS,
            "flags": listing.FLAGS,
            "headers": _headers(request, query),
            "params": request.GET.urlencode(),
        }
        return render(request, "actionlists/student_list.html", context)


class StudentExportView(LoginRequiredMixin, View):
    """The list as it is filtered now, as CSV or XLSX; the export writes its own records (route ``export``)."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """Build the file inside the transaction that records the export."""
        query = listing.Query.from_get(request.GET)
        with transaction.atomic():
            result = listing.build(request.user, query, route="export", path=request.path)
            if result.refused or not result.rows:
                raise Http404("nothing to export")
            stamp = timezone.localdate().isoformat()
            if fmt == "csv":
                response = HttpResponse(exports.to_csv(result.rows), content_type="text/csv; charset=utf-8")
            else:
                response = HttpResponse(
                    exports.to_xlsx(result.rows),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
        response["Content-Disposition"] = f'attachment; filename="action-list-{stamp}.{fmt}"'
        response["Cache-Control"] = "no-store"
        return response


class StudentDetailView(LoginRequiredMixin, View):
    """One student's figures and timeline; an unknown student and one the user may not see get the same 404."""

    def get(self, request: HttpRequest, hub_id: str) -> HttpResponse:
        """Read the student's records through the gate."""
        with transaction.atomic():
            try:
                page = timeline.student_page(request.user, hub_id, route="view", path=request.path)
            except timeline.NotFoundError:
                raise Http404("No such student.") from None
        context = {"title": page.row.label, "page": page, "row": page.row, "columns": COLUMNS}
        return render(request, "actionlists/student_detail.html", context)
