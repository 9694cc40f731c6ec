"""The match-weight waterfall of one pair as a Vega-Lite spec (plain data; no Django), and its rows as a table.

Every pair starts from the prior (how likely two random records are one person, in bits); each comparison
then adds or takes away bits; the sum is the pair's match weight, shown as the probability it stands for.
"""

from __future__ import annotations

import math
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier: nothing is fetched
UP, DOWN, TOTAL = "#0b5cad", "#a4161a", "#4a4f57"


def probability(weight: float) -> float:
    """The match probability a match weight (bits) stands for."""
    return 1.0 / (1.0 + 2.0 ** (-weight))


def waterfall_rows(prior: float, contributions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per bar: the prior, each comparison (its level and bits), then the total.

    >>> rows = waterfall_rows(-10.0, [{"comparison": "surname", "level": "exact", "weight": 8.0}])
    >>> [(r["label"], r["start"], r["end"]) for r in rows]
    [('prior', 0.0, -10.0), ('surname: exact', -10.0, -2.0), ('total', 0.0, -2.0)]
    """
    rows = [_row("prior", "starting point", 0.0, prior, "start")]
    running = prior
    for c in contributions:
        weight = float(c.get("weight") or 0.0)
        label = f"{c['comparison']}: {c['level']}"
        effect = "not compared (missing)" if c["level"] == "null" else ("raises" if weight >= 0 else "lowers")
        rows.append(_row(label, effect, running, running + weight, "raises" if weight >= 0 else "lowers"))
        running += weight
    rows.append(_row("total", f"probability {probability(running):.4f}", 0.0, running, "total"))
    return rows


def _row(label: str, effect: str, start: float, end: float, kind: str) -> dict[str, Any]:
    return {
        "label": label,
        "effect": effect,
        "start": round(start, 3),
        "end": round(end, 3),
        "bits": round(end - start, 2),
        "kind": kind,
        "text": f"{end - start:+.1f}" if kind in ("raises", "lowers") else f"{end:+.1f}",
    }


def waterfall_spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A horizontal waterfall: one bar per row from ``start`` to ``end``, signed bits written beside each bar."""
    lo = min(min(r["start"], r["end"]) for r in rows)
    hi = max(max(r["start"], r["end"]) for r in rows)
    pad = max(2.0, (hi - lo) * 0.08)
    return {
        "$schema": SCHEMA,
        "description": "Match weight waterfall: the prior, what each comparison adds or takes away, the total",
        "width": 420,
        "height": {"step": 22},
        "background": "#ffffff",
        "data": {"values": rows},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelLimit": 260, "labelFontSize": 12},
            },
        },
        "layer": [
            {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {
                        "field": "start",
                        "type": "quantitative",
                        "title": "Match weight (bits; 0 = even odds)",
                        "scale": {"domain": [math.floor(lo - pad), math.ceil(hi + pad)]},
                    },
                    "x2": {"field": "end"},
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "scale": {
                            "domain": ["start", "raises", "lowers", "total"],
                            "range": [TOTAL, UP, DOWN, TOTAL],
                        },
                        "legend": {"title": None, "orient": "bottom"},
                    },
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "color": "#1b1f24"},
                "encoding": {
                    "x": {"field": "end", "type": "quantitative"},
                    "text": {"field": "text", "type": "nominal"},
                },
            },
            {"mark": {"type": "rule", "color": "#1b1f24"}, "encoding": {"x": {"datum": 0}}},
        ],
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}, "aria": False},
    }
