"""The written agreement as a page and a PDF, each frozen version, and a readable diff between versions."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import View

from commonground.governance import documents, snapshot
from commonground.governance.models import Agreement, AgreementVersion
from commonground.governance.permissions import visible_agreements


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    """The agreement, if the user may see it ("not found" otherwise, the same as for a missing id)."""
    return get_object_or_404(visible_agreements(request.user), pk=pk)


def _snap(agreement: Agreement, number: int | None) -> dict[str, Any]:
    """The current terms, or those of version ``number``."""
    if number is None:
        return snapshot.build(agreement)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    return dict(version.snapshot)


class AgreementDocumentView(LoginRequiredMixin, View):
    """The written agreement (current terms, or a frozen version), ready to print."""

    def get(self, request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
        agreement = _agreement(request, pk)
        snap = _snap(agreement, number)
        title = f"{snap['reference']}: {snap['title']}" + (f" (version {number})" if number else "")
        context = {
            "object": agreement,
            "title": title,
            "number": number,
            "document": documents.render_html(snap, number=number),
        }
        return render(request, "governance/agreement_document.html", context)


class AgreementPdfView(LoginRequiredMixin, View):
    """The written agreement as a PDF download."""

    def get(self, request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
        agreement = _agreement(request, pk)
        snap = _snap(agreement, number)
        suffix = f"-v{number}" if number else ""
        response = HttpResponse(documents.render_pdf(snap), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{agreement.reference}{suffix}.pdf"'
        return response


class AgreementDiffView(LoginRequiredMixin, View):
    """What changed between two versions, line by line (``?from=1&to=3``; by default the last two)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        agreement = _agreement(request, pk)
        versions = list(agreement.versions.order_by("number"))
        if not versions:
            raise Http404("This agreement has no versions yet.")
        numbers = [v.number for v in versions]
        newest = numbers[-1]
        to = _number(request.GET.get("to"), newest, numbers)
        start = _number(request.GET.get("from"), max(to - 1, numbers[0]), numbers)
        by_number = {v.number: v for v in versions}
        before = documents.canonical_text(by_number[start].snapshot).splitlines()
        after = documents.canonical_text(by_number[to].snapshot).splitlines()
        lines = []
        for line in difflib.unified_diff(before, after, lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
            lines.append((kind, line[1:] if kind != "hunk" else "…"))
        context = {
            "object": agreement,
            "title": f"Changes to {agreement.reference}: version {start} to version {to}",
            "versions": versions,
            "start": by_number[start],
            "end": by_number[to],
            "lines": lines,
        }
        return render(request, "governance/agreement_diff.html", context)


def _number(value: str | None, default: int, numbers: list[int]) -> int:
    """A version number from the query string, or ``default`` when absent or not a version."""
    try:
        wanted = int(value or "")
    except ValueError:
        return default
    return wanted if wanted in numbers else default
