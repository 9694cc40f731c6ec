"""Leader dashboards and evidence packs, built from a release's tidy rows (Django-free).

- :mod:`.cells` — release rows as cells (published or suppressed; never a zero for a hidden number);
- :mod:`.slices` — filters, and the slice each chart draws (the release's own rows, nothing re-added);
- :mod:`.specs` — Vega-Lite specs: a trend over school years, bars by school or any other breakdown;
- :mod:`.boundaries` and :mod:`.mapsvg` — neighbourhood boundaries (GeoJSON) and the choropleth drawn as SVG;
- :mod:`.pack`, :mod:`.pack_html`, :mod:`.pack_pdf` — the evidence pack and its HTML and PDF files.

Nothing here reads student-level data: a release is an aggregate that already passed the disclosure audit.
"""

from .boundaries import DEMO_BOUNDARIES, Area, load_boundaries, parse_boundaries
from .cells import Cell, MeasureInfo, cells_from_rows
from .errors import BoundaryError, DashboardError
from .mapsvg import MapDrawing, choropleth
from .pack import EvidencePack, PackChart, PackRow, pack_rows, suppression_notes
from .pack_html import render_html
from .pack_pdf import render_pdf
from .slices import Filter, Selection, Slice, choose, grains, slice_for
from .specs import bars_spec, chart_rows, trend_spec

__all__ = [
    "DEMO_BOUNDARIES",
    "Area",
    "BoundaryError",
    "Cell",
    "DashboardError",
    "EvidencePack",
    "Filter",
    "MapDrawing",
    "MeasureInfo",
    "PackChart",
    "PackRow",
    "Selection",
    "Slice",
    "bars_spec",
    "cells_from_rows",
    "chart_rows",
    "choose",
    "choropleth",
    "grains",
    "load_boundaries",
    "pack_rows",
    "parse_boundaries",
    "render_html",
    "render_pdf",
    "slice_for",
    "suppression_notes",
    "trend_spec",
]
