"""Vega-Lite specifications of the dashboard charts: a trend over school years and bars by school.

Plain data, no Django. ``charts.js`` draws them as SVG from ``<script type="application/json">`` blocks; the
page shows the same numbers in a table beside each chart. Suppressed points are written "suppressed" on the
chart and never drawn as a zero bar or a zero point; the line breaks at them instead of bridging the gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .cells import Cell, MeasureInfo
from .labels import SUPPRESSED, value_label

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier: nothing is fetched
BAR_COLOUR = "#0b5cad"
TEXT_COLOUR = "#1b1f24"
MUTED_COLOUR = "#4a5560"  # 7:1 on white, so "suppressed" stays readable
_CONFIG = {
    "font": "system-ui, sans-serif",
    "view": {"stroke": None},
    # The page gives each chart one accessible name and the same numbers as a table.
    "aria": False,
}


def chart_rows(
    cells: Sequence[Cell],
    over: str,
    measure: MeasureInfo,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """One row per cell: the label of its ``over`` value, its value (``None`` when hidden), status and text."""
    return [
        {
            "key": c.dims[over],
            "label": value_label(over, c.dims[over], names),
            "value": None if c.suppressed else c.value,
            "status": SUPPRESSED if c.suppressed else "published",
            "text": c.value_text(measure.proportion),
        }
        for c in cells
    ]


def _axis(measure: MeasureInfo) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": measure.label, "tickCount": 5, "grid": True}
    if measure.proportion:
        axis["format"] = "%"
    return axis


def _published() -> dict[str, Any]:
    return {"filter": {"field": "status", "equal": "published"}}


def _suppressed() -> dict[str, Any]:
    return {"filter": {"field": "status", "equal": SUPPRESSED}}


def bars_spec(rows: Sequence[Mapping[str, Any]], measure: MeasureInfo, title: str) -> dict[str, Any]:
    """Horizontal bars, one per row (in the given order); hidden rows say "suppressed" where a bar would be.

    Example:
        >>> spec = bars_spec([{"label": "A", "value": 0.2, "status": "published", "text": "20.0%"}],
        ...                  MeasureInfo("m", "Share", True), "Share by school")
        >>> spec["layer"][0]["mark"]["type"], spec["data"]["values"][0]["label"]
        ('bar', 'A')
    """
    y = {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 220}}
    x = {"field": "value", "type": "quantitative", "axis": _axis(measure), "scale": {"zero": True}}
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": 380,
        "height": {"step": 22},
        "background": "#ffffff",
        "data": {"values": list(rows)},
        "encoding": {"y": y},
        "layer": [
            {"transform": [_published()], "mark": {"type": "bar", "color": BAR_COLOUR}, "encoding": {"x": x}},
            {
                "transform": [_published()],
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "color": TEXT_COLOUR},
                "encoding": {"x": x, "text": {"field": "text", "type": "nominal"}},
            },
            {
                "transform": [_suppressed()],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "x": 4,
                    "fontSize": 11,
                    "fontStyle": "italic",
                    "color": MUTED_COLOUR,
                },
                "encoding": {"text": {"field": "text", "type": "nominal"}},
            },
        ],
        "config": _CONFIG,
    }


def trend_spec(rows: Sequence[Mapping[str, Any]], measure: MeasureInfo, title: str) -> dict[str, Any]:
    """A line with points over school years; the line breaks at a hidden year, which reads "suppressed"."""
    x = {"field": "label", "type": "ordinal", "sort": None, "title": "School year", "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "axis": _axis(measure), "scale": {"zero": True}}
    height = 220
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": 420,
        "height": height,
        "background": "#ffffff",
        "data": {"values": list(rows)},
        "encoding": {"x": x},
        "layer": [
            {
                "mark": {
                    "type": "line",
                    "color": BAR_COLOUR,
                    "strokeWidth": 2,
                    "invalid": "break-paths-show-domains",
                },
                "encoding": {"y": y},
            },
            {
                "transform": [_published()],
                "mark": {"type": "point", "filled": True, "size": 60, "color": BAR_COLOUR},
                "encoding": {"y": y},
            },
            {
                "transform": [_published()],
                "mark": {"type": "text", "dy": -12, "fontSize": 11, "color": TEXT_COLOUR},
                "encoding": {"y": y, "text": {"field": "text", "type": "nominal"}},
            },
            {
                "transform": [_suppressed()],
                "mark": {
                    "type": "text",
                    "y": height - 12,
                    "fontSize": 11,
                    "fontStyle": "italic",
                    "color": MUTED_COLOUR,
                },
                "encoding": {"text": {"field": "text", "type": "nominal"}},
            },
        ],
        "config": _CONFIG,
    }
