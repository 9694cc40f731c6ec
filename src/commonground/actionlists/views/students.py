"""The action list, a student's page and the list's exports.  The records of disclosure of what a response shows
are written in a transaction that commits before the response is sent (and nothing is shown if they cannot be
written); the list asks the gate and computes its page first, outside that transaction, so two workers on SQLite
hold the write lock only while the records are written."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from commonground.actionlists import exports, listing, rowhtml, timeline
from commonground.actionlists.students import COLUMNS


def _headers(request: HttpRequest, query: listing.Query) -> list[dict[str, str]]:
    """Column headers as sort links keeping the filters; the current sort column carries ``aria-sort``."""
    labels = {"name": "Student", "school": "School", **dict(COLUMNS)}
    out = []
    # One copy for every link, each only setting "sort" (a deep copy per column cost more than the links).
    params = request.GET.copy()
    params.pop("page", None)  # a new order starts at the first page
    for key in listing.SORTS:
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
    """The students the user's program serves, each with what the gate lets them see, a page at a time."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """Ask the gate, filter, sort and cut the page; the figures of the page's students are recorded as
        disclosed (the transaction commits before a byte of the page is sent)."""
        query = listing.Query.from_get(request.GET)
        result = listing.build(request.user, query, route="view", path=request.path, page=query.page)
        with transaction.atomic():
            listing.record(result)
        return render(request, "actionlists/student_list.html", list_context(request, query, result))


def list_context(request: HttpRequest, query: listing.Query, result: listing.ActionList) -> dict[str, Any]:
    """The list template's context (also used by the load benchmark's page without the gate)."""
    pages = request.GET.copy()
    links: dict[str, str] = {}
    for name, number in (("previous", result.page - 1), ("next", result.page + 1)):
        if 1 <= number <= result.pages:
            pages["page"] = str(number)
            links[name] = pages.urlencode()
    return {
        "title": "Students I serve",
        "result": result,
        "query": query,
        "columns": COLUMNS,
        "flags": listing.FLAGS,
        "header_html": rowhtml.header_cells(_headers(request, query)),
        # The rows' HTML joined once here: a template loop over fifty rows cost more than the join.
        "rows_html": mark_safe("".join(f"<tr>{row.html}</tr>" for row in result.rows)),  # noqa: S308 - rowhtml escapes
        "params": _without_page(request),
        "pages": links,
    }


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class StudentExportView(LoginRequiredMixin, View):
    """The list as it is filtered now (every page), as CSV or XLSX; the export writes its own records (route
    ``export``)."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """Build the file inside the transaction that records the export."""
        query = listing.Query.from_get(request.GET)
        result = listing.build(request.user, query, route="export", path=request.path, page=None)
        if result.refused or not result.rows:
            raise Http404("nothing to export")
        with transaction.atomic():
            listing.record(result)
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
