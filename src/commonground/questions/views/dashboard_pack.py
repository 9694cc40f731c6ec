"""The evidence pack download: the dashboard's charts and tables for the chosen filters, with the definition,
method and suppression notes, data sources and dates, and the release's version and SHA-256 — as HTML or PDF.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from commonground.ecosystem.models import Organization
from commonground.questions import dashboards as dash
from commonground.questions.models import Release
from commonground.questions.views.dashboard import Loaded, load, panels, select

#: The pack is a standalone file: its own inline styles, no script, nothing fetched.
PACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _date(value: Any) -> str:
    return str(value)[:10] if value else "date not recorded"


def method_notes(loaded: Loaded) -> tuple[str, ...]:
    """How the figures were computed: indicator versions and parameters, breakdowns, linkage, engines."""
    prov = loaded.release.provenance
    notes = []
    for ind in prov.get("indicators", []):
        params = ", ".join(f"{k} = {v}" for k, v in sorted((ind.get("params") or {}).items()))
        notes.append(f"Indicator {ind.get('title', ind.get('id'))} ({ind.get('ref', ind.get('id'))})"
                     + (f" with {params}." if params else "."))  # fmt: skip
    sets = prov.get("breakdowns") or []
    if sets:
        words = "; ".join(" × ".join(s) if s else "overall total" for s in sets)
        notes.append(
            f"Breakdowns published: {words}. Each total is the sum of its parts; 'All' marks a total."
        )
    link = prov.get("person_link") or {}
    if link.get("records") is not None:
        notes.append(
            f"Students are counted once across organizations through the hub's person registry "
            f"({link['records']} records of {link.get('people', '?')} people)."
        )
    engines = prov.get("engines") or {}
    if engines:
        notes.append("Computed with " + ", ".join(f"{k} {v}" for k, v in sorted(engines.items())) + ".")
    return tuple(notes)


def suppression_summary(release: Release) -> dict[str, int]:
    """The suppression of every part of the release added up, with the release's own row counts."""
    total: dict[str, int] = {
        "min_cell": release.min_cell,
        "rows": release.rows,
        "suppressed_rows": release.suppressed_rows,
    }
    parts = release.provenance.get("suppression") or []
    for key in ("primary_cells", "complementary_cells", "hidden_numbers_audited"):
        found = [int(p[key]) for p in parts if isinstance(p, dict) and p.get(key) is not None]
        if found:
            total[key] = sum(found)
    return total


def sources(release: Release) -> tuple[str, ...]:
    """Each submission the release read: who sent it, what, which tables, when it was accepted."""
    subs = release.provenance.get("submissions", [])
    names = dict(
        Organization.objects.filter(slug__in=[s.get("organization") for s in subs]).values_list(
            "slug", "name"
        )
    )
    out = []
    for sub in subs:
        tables = ", ".join(sub.get("tables") or [])
        org = sub.get("organization") or "Unknown organization"
        # A dataset named after all its tables ("person+enrollment+…") says nothing the tables do not.
        dataset = str(sub.get("dataset") or "")
        dataset = "data submission" if not dataset or "+" in dataset else dataset
        out.append(
            f"{names.get(org, org)}: {dataset} "
            f"(submission {sub.get('id')}; tables {tables or 'not recorded'}; accepted {_date(sub.get('decided_at'))})"
        )
    return tuple(out)


def build_pack(request: HttpRequest, loaded: Loaded) -> dash.EvidencePack:
    """The pack for the filters in the query string (refuses a bad filter rather than guess)."""
    selection, _filters, error = select(loaded, request.GET)
    if error:
        raise dash.DashboardError(error)
    indicator = loaded.indicator_of.get(selection.measure.id)
    charts = tuple(
        dash.PackChart(
            p.heading,
            p.dimension,
            selection.measure,
            p.rows,
            p.svg or "",
            " ".join([p.reason, *p.notes]).strip(),
        )
        for p in panels(loaded, selection)
        if p.rows
    )
    question = loaded.question
    query = request.GET.urlencode()
    link = request.build_absolute_uri(reverse("questions:dashboard", args=[question.slug]))
    return dash.EvidencePack(
        hub_name=settings.COMMONGROUND_HUB_NAME,
        question=question.wording,
        slug=question.slug,
        indicator=indicator.title if indicator else selection.measure.label,
        definition=indicator.definition if indicator else "",
        how_to_read=indicator.how_to_read if indicator else "",
        caveat=indicator.caveat if indicator else "",
        selection=selection.describe(loaded.names),
        release_version=loaded.release.version,
        release_sha256=loaded.release.sha256,
        published=timezone.localtime(loaded.release.created_at).date().isoformat(),
        generated=timezone.localdate().isoformat(),
        charts=charts,
        action=f"{question.action} (taken by {question.action_taker})"
        if question.action_taker
        else question.action,
        owner=str(question.owner),
        method=method_notes(loaded),
        suppression=dash.suppression_notes(suppression_summary(loaded.release)),
        sources=sources(loaded.release),
        link=f"{link}?{query}" if query else link,
    )


class EvidencePackView(View):
    """``evidence.html`` or ``evidence.pdf`` of one question, for the dashboard's filters."""

    def get(self, request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
        """Download the pack."""
        if fmt not in ("html", "pdf"):
            raise Http404("Evidence packs come as html or pdf.")
        loaded = load(request, slug)
        try:
            pack = build_pack(request, loaded)
        except dash.DashboardError as err:
            return HttpResponse(
                f"No evidence pack: {err}", status=400, content_type="text/plain; charset=utf-8"
            )
        if fmt == "pdf":
            response = HttpResponse(dash.render_pdf(pack), content_type="application/pdf")
        else:
            response = HttpResponse(
                dash.render_html(pack).encode("utf-8"), content_type="text/html; charset=utf-8"
            )
            response["Content-Security-Policy"] = PACK_CSP
        response["Content-Disposition"] = f'attachment; filename="{pack.filename}.{fmt}"'
        return response
