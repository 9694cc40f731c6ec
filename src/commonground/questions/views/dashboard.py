"""A question's dashboard: filters, a trend over school years, bars by school (and by every other breakdown the
release has), the neighbourhood map, a data table beside each chart and the indicator's notes beside each too.

Only published questions with a release are shown, to the audience the catalog allows (``visible_question``:
anything else is "not found"). Nothing student-level is read: the page draws the release's own published rows.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views import View

from commonground.questions import dashboards as dash
from commonground.questions.choices import QuestionStatus
from commonground.questions.dashboards.derived import regroup
from commonground.questions.dashboards.labels import dimension_label, value_label
from commonground.questions.indicators import INDICATORS, Indicator
from commonground.questions.models import Question, Release
from commonground.questions.releases import release_dims, release_rows
from commonground.questions.views.catalog import visible_question
from commonground.questions.views.dashboard_sources import (
    FROM_SCHOOLS,
    neighbourhood_areas,
    school_neighbourhoods,
    value_names,
)

log = logging.getLogger(__name__)

#: Charts every dashboard has (with a plain reason when the release cannot draw one), in page order.
TREND, SCHOOL, MAP = "year", "school", "neighborhood"


@dataclass
class Loaded:
    """A release read for display: its cells, measures and the indicator behind each measure."""

    question: Question
    release: Release
    dims: list[str]
    cells: list[dash.Cell]
    measures: list[dash.MeasureInfo]
    indicator_of: dict[str, Indicator]
    names: dict[str, dict[str, str]]
    grains: set[frozenset[str]]


def load(request: HttpRequest, slug: str) -> Loaded:
    """The question's newest release (or ``?release=N``), if the viewer may see the question and it is published."""
    question = visible_question(request, slug)
    if question.status != QuestionStatus.PUBLISHED:
        raise Http404("This question has no published release.")
    wanted = request.GET.get("release", "")
    releases = question.releases.order_by("-version")
    if wanted:
        if not wanted.isdigit():
            raise Http404("No such release.")
        releases = releases.filter(version=int(wanted))
    release = releases.first()
    if release is None:
        raise Http404("This question has no published release.")
    dims, cells, found = parsed(release)
    ids = [i["id"] for i in release.provenance.get("indicators", [])] or list(question.indicators)
    indicator_of: dict[str, Indicator] = {}
    known: dict[str, dash.MeasureInfo] = {}
    for indicator in (INDICATORS[i] for i in ids if i in INDICATORS):
        for m in indicator.measures:
            known[m.id] = dash.MeasureInfo(m.id, m.label, m.proportion)
            indicator_of[m.id] = indicator
    measures = dash.cells.measures_of(cells, known)
    return Loaded(question, release, dims, cells, measures, indicator_of, value_names(), found)


_PARSED: dict[tuple[int, str], tuple[list[str], list[dash.Cell], set[frozenset[str]]]] = {}
_PARSED_MAX = 32
_PARSED_LOCK = threading.Lock()


def parsed(release: Release) -> tuple[list[str], list[dash.Cell], set[frozenset[str]]]:
    """The release's dimensions, cells and grains, parsed once per process (a release never changes; the key
    includes its SHA-256 all the same)."""
    key = (release.pk, release.sha256)
    found = _PARSED.get(key)
    if found is None:
        rows = release_rows(release.csv_text)
        cells = dash.cells_from_rows(rows, release_dims(rows))
        found = (release_dims(rows), cells, dash.grains(cells))
        with _PARSED_LOCK:  # threads of one server share the cache
            while len(_PARSED) >= _PARSED_MAX:
                _PARSED.pop(next(iter(_PARSED)))  # the oldest entry: dicts keep insertion order
            _PARSED[key] = found
    return found


@dataclass
class Panel:
    """One chart of the page with its table (and a reason in words when the release cannot draw it)."""

    key: str
    kind: str
    heading: str
    dimension: str
    rows: tuple[dash.PackRow, ...] = ()
    spec: dict[str, Any] | None = None
    svg: SafeString | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def element_id(self) -> str:
        """The id of the chart's JSON data block."""
        return f"chart-{self.key}"


def _year_words(loaded: Loaded) -> str:
    years = {
        str(i.get("params", {}).get("school_year") or "")
        for i in loaded.release.provenance.get("indicators", [])
    } - {"", "0"}
    return f" It covers the {value_label('year', years.pop())} school year only." if len(years) == 1 else ""


def _trend(loaded: Loaded, selection: dash.Selection, heading: str) -> Panel:
    found = dash.slice_for(loaded.cells, selection, TREND, loaded.names, loaded.grains)
    measure = selection.measure
    panel = Panel(TREND, "trend", heading, dimension_label(TREND))
    if found.reason:
        panel.reason = found.reason.rstrip(".") + ", so there is no trend to draw." + _year_words(loaded)
        return panel
    panel.rows = dash.pack_rows(found.cells, TREND, measure, loaded.names)
    if len(found.cells) < 2:
        year = value_label(TREND, found.cells[0].dims[TREND]) if found.cells else "one year"
        panel.reason = (
            f"Only one school year ({year}) is in this release, so there is no trend to draw yet; "
            "the table gives that year's figure."
        )
        return panel
    if _all_hidden(found.cells, panel):
        return panel
    panel.spec = dash.trend_spec(dash.chart_rows(found.cells, TREND, measure, loaded.names), measure, heading)
    return panel


def _bars(loaded: Loaded, selection: dash.Selection, over: str, heading: str) -> Panel:
    found = dash.slice_for(loaded.cells, selection, over, loaded.names, loaded.grains)
    panel = Panel(over, "bars", heading, dimension_label(over), reason=found.reason)
    if found.cells:
        measure = selection.measure
        panel.rows = dash.pack_rows(found.cells, over, measure, loaded.names)
        if _all_hidden(found.cells, panel):
            return panel
        panel.spec = dash.bars_spec(
            dash.chart_rows(found.cells, over, measure, loaded.names), measure, heading
        )
    return panel


def _all_hidden(cells: tuple[dash.Cell, ...], panel: Panel) -> bool:
    """A chart of nothing but hidden groups would draw an empty axis: say so instead (the table lists them)."""
    if any(not c.suppressed for c in cells):
        return False
    panel.reason = (
        "Every group here is suppressed (too few students to publish), so there is nothing to draw."
    )
    return True


def _from_schools(loaded: Loaded, selection: dash.Selection, panel: Panel) -> list[dash.Cell]:
    """Neighbourhood cells summed from the school slice, when the release has schools but no neighbourhoods."""
    if MAP in selection.values or SCHOOL not in selection.values:
        return []
    schools = dash.slice_for(loaded.cells, selection, SCHOOL, loaded.names, loaded.grains)
    hoods = school_neighbourhoods()
    if not schools.cells or not hoods:
        return []
    cells, unplaced = regroup(schools.cells, SCHOOL, hoods, MAP)
    if cells:
        panel.reason = ""
        panel.notes.append(FROM_SCHOOLS)
        if unplaced:
            names = sorted(value_label(SCHOOL, s, loaded.names) for s in unplaced)
            panel.notes.append("Not counted (no neighbourhood recorded for them): " + ", ".join(names) + ".")
    return cells


def _map(loaded: Loaded, selection: dash.Selection, heading: str) -> Panel:
    found = dash.slice_for(loaded.cells, selection, MAP, loaded.names, loaded.grains)
    panel = Panel(MAP, "map", heading, dimension_label(MAP), reason=found.reason)
    cells = list(found.cells) or _from_schools(loaded, selection, panel)
    if not cells:
        if not panel.reason.endswith("."):
            panel.reason += "."
        return panel
    panel.rows = dash.pack_rows(cells, MAP, selection.measure, loaded.names)
    try:
        drawing = dash.choropleth(neighbourhood_areas(), cells, selection.measure, heading, id_prefix="map")
    except dash.BoundaryError as err:
        log.error("neighbourhood map not drawn: %s", err)
        panel.reason = f"The map cannot be drawn: {err}. The table has the figures."
        return panel
    panel.svg = mark_safe(drawing.svg)  # noqa: S308 - built by mapsvg, which escapes every text it writes
    if drawing.not_on_map:
        panel.notes.append("Not on the map (no boundary for them): " + ", ".join(drawing.not_on_map) + ".")
    if drawing.no_data:
        panel.notes.append("No figure in this release for: " + ", ".join(drawing.no_data) + ".")
    return panel


def panels(loaded: Loaded, selection: dash.Selection) -> list[Panel]:
    """The trend, the bars by school, the map, then bars for every other breakdown of the release."""
    label = selection.measure.label
    out = [
        _trend(loaded, selection, f"{label} over school years"),
        _bars(loaded, selection, SCHOOL, f"{label} by school"),
        _map(loaded, selection, f"{label} by neighbourhood"),
    ]
    for dim in loaded.dims:
        if dim not in (TREND, SCHOOL, MAP):
            out.append(_bars(loaded, selection, dim, f"{label} by {dimension_label(dim).lower()}"))
    return out


def select(loaded: Loaded, params: QueryDict) -> tuple[dash.Selection, list[dash.Filter], str]:
    """The filters read from the query string; on a bad value, the defaults and the error in words."""
    given = {k: str(params.get(k, "")) for k in params if k != "release"}
    try:
        selection, filters = dash.choose(
            loaded.cells, loaded.dims, loaded.measures, given, loaded.names, loaded.grains
        )
        return selection, filters, ""
    except dash.DashboardError as err:
        selection, filters = dash.choose(
            loaded.cells, loaded.dims, loaded.measures, {}, loaded.names, loaded.grains
        )
        return selection, filters, str(err)


def headline(loaded: Loaded, selection: dash.Selection) -> str:
    """The figure at exactly the chosen filters, in one sentence (or why there is none)."""
    cell = dash.slices.headline(loaded.cells, selection)
    who = selection.describe(loaded.names)
    if cell is None:
        return f"This release has no single figure for {who}; the charts below show what it does publish."
    measure = selection.measure
    if cell.suppressed:
        return f"{measure.label}, {who}: suppressed (too few students to publish safely)."
    return (
        f"{measure.label}, {who}: {cell.value_text(measure.proportion)} "
        f"({cell.count_text('numerator')} out of {cell.count_text('denominator')})."
    )


class DashboardView(View):
    """The page of one question."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Draw the dashboard for the filters in the query string."""
        loaded = load(request, slug)
        selection, filters, error = select(loaded, request.GET)
        indicator = loaded.indicator_of.get(selection.measure.id)
        query = request.GET.urlencode()
        pack = reverse("questions:evidence", args=[loaded.question.slug, "html"])
        pdf = reverse("questions:evidence", args=[loaded.question.slug, "pdf"])
        context = {
            "title": loaded.question.wording,
            "question": loaded.question,
            "release": loaded.release,
            "filters": filters,
            "error": error,
            "headline": headline(loaded, selection),
            "showing": selection.describe(loaded.names),
            "indicator": indicator,
            "measure": selection.measure,
            "panels": panels(loaded, selection),
            "pack_html": f"{pack}?{query}" if query and not error else pack,
            "pack_pdf": f"{pdf}?{query}" if query and not error else pdf,
            "grains": dash.slices.grain_words(loaded.grains),
        }
        return render(request, "questions/dashboard.html", context, status=400 if error else 200)
