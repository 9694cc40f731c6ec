"""Vega-Lite specifications for the submission report (plain data; no Django).

The page embeds each spec in a ``<script type="application/json">`` block that ``charts.js`` draws as SVG, and
shows the same numbers in a table beside it, so the chart is never the only way to read them.
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier: nothing is fetched
BAR_COLOUR = "#0b5cad"
LOW_COLOUR = "#a4161a"
#: Below this share of rows with a value, a column's bar is drawn in the warning colour.
LOW_SHARE = 0.5


def completeness_rows(columns: dict[str, float]) -> list[dict[str, Any]]:
    """One row per column: its name, share of rows with a value, and the share as a rounded percentage."""
    return [
        {
            "column": name,
            "filled": share,
            "percent": round(share * 100, 1),
            "label": f"{share * 100:.0f}%",
            "level": "under half filled" if share < LOW_SHARE else "half or more filled",
        }
        for name, share in columns.items()
    ]


def completeness_spec(table: str, columns: dict[str, float]) -> dict[str, Any]:
    """A horizontal bar chart of the share of rows with a value in each column of ``table``.

    Example:
        >>> spec = completeness_spec("person", {"first_name": 1.0, "email": 0.25})
        >>> [v["percent"] for v in spec["data"]["values"]]
        [100.0, 25.0]
    """
    values = completeness_rows(columns)
    return {
        "$schema": SCHEMA,
        "description": f"Share of {table} rows with a value in each column",
        "title": {"text": f"{table}: rows with a value", "anchor": "start", "fontSize": 14},
        "width": 360,
        "height": {"step": 18},
        "background": "#ffffff",
        "data": {"values": values},
        "encoding": {
            "y": {
                "field": "column",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelFontSize": 12, "labelLimit": 180},
            },
            "x": {
                "field": "filled",
                "type": "quantitative",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%", "title": "Rows with a value", "tickCount": 5, "grid": True},
            },
        },
        "layer": [
            {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "scale": {
                            "domain": ["half or more filled", "under half filled"],
                            "range": [BAR_COLOUR, LOW_COLOUR],
                        },
                        "legend": {"title": None, "orient": "bottom"},
                    }
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "color": "#1b1f24"},
                "encoding": {"text": {"field": "label", "type": "nominal"}},
            },
        ],
        # The page gives the chart one accessible name and the same numbers as a table, so Vega's own
        # per-mark ARIA labels would only repeat them.
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}, "aria": False},
    }
