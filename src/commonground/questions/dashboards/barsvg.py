"""Horizontal bars as plain SVG, for the evidence pack's HTML (a file that must read offline, without script).

Hidden rows are written "suppressed" where the bar would be, never drawn as a zero-length bar.
"""

from __future__ import annotations

from html import escape

from .pack import PackChart

INK = "#1b1f24"
BAR = "#0b5cad"
MUTED = "#4a5560"
LABEL_WIDTH = 280
BAR_WIDTH = 300
ROW = 22
TOP = 28


def bars_svg(chart: PackChart, id_prefix: str = "bars") -> str:
    """The chart's rows as labelled bars in an SVG with ``role="img"``, a title and a description.

    Example:
        >>> from commonground.questions.dashboards.cells import MeasureInfo
        >>> from commonground.questions.dashboards.pack import PackRow
        >>> row = PackRow("A", None, "suppressed", "suppressed", "suppressed", True)
        >>> "suppressed" in bars_svg(PackChart("T", "School", MeasureInfo("m", "M"), (row,)))
        True
    """
    shown = [r.value for r in chart.rows if r.value is not None]
    top_value = max([*shown, 0.0]) or 1.0
    width = LABEL_WIDTH + BAR_WIDTH + 70
    height = TOP + ROW * len(chart.rows) + 8
    parts = []
    for i, row in enumerate(chart.rows):
        y = TOP + i * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" font-size="12" text-anchor="end" fill="{INK}">'
            f"{escape(row.label)}</text>"
        )
        if row.value is None:
            style = ' font-style="italic"' if row.suppressed else ""
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{y + 15}" font-size="12" fill="{MUTED}"{style}>'
                f"{escape(row.value_text)}</text>"
            )
            continue
        length = max(row.value, 0.0) / top_value * BAR_WIDTH
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="16" fill="{BAR}"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 15}" font-size="12" fill="{INK}">'
            f"{escape(row.value_text)}</text>"
        )
    desc = "; ".join(f"{r.label}: {r.value_text}" for r in chart.rows)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="system-ui, sans-serif" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc">'
        f'<title id="{id_prefix}-title">{escape(chart.title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(chart.measure.label)} by {escape(chart.dimension.lower())}: '
        f"{escape(desc)}.</desc>"
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{escape(chart.title)}</text>'
        f'<line x1="{LABEL_WIDTH}" y1="{TOP}" x2="{LABEL_WIDTH}" y2="{height - 8}" stroke="{INK}" stroke-width="1"/>'
        f"{''.join(parts)}</svg>"
    )
