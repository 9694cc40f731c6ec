"""The evidence pack as one self-contained HTML file: inline SVG charts, tables, notes; no script, no links out.

Built without Django so it can be produced anywhere the release is (a CLI, a notebook). Every value is
escaped here; the SVGs come from this package's own builders, which escape their text.
"""

from __future__ import annotations

from html import escape

from .barsvg import bars_svg
from .pack import EvidencePack, PackChart

_CSS = """
body{font-family:system-ui,sans-serif;color:#1b1f24;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #8a949e;padding:.25rem .5rem;text-align:left}td.num{text-align:right}
caption{text-align:left;font-weight:bold;padding:.25rem 0}.suppressed{font-style:italic}
.meta{color:#3d4752}code{word-break:break-all}figure{margin:1rem 0}
"""


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>" if text else ""


def _ul(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""


def _table(chart: PackChart) -> str:
    head = (
        f'<tr><th scope="col">{escape(chart.dimension)}</th><th scope="col">{escape(chart.measure.label)}</th>'
        '<th scope="col">Count</th><th scope="col">Out of</th></tr>'
    )
    hidden = ' class="suppressed"'
    body = "".join(
        f'<tr{hidden if r.suppressed else ""}><th scope="row">{escape(r.label)}</th>'
        f'<td class="num">{escape(r.value_text)}</td><td class="num">{escape(r.count)}</td>'
        f'<td class="num">{escape(r.out_of)}</td></tr>'
        for r in chart.rows
    )
    return (
        f"<table><caption>{escape(chart.title)}</caption><thead>{head}</thead><tbody>{body}</tbody></table>"
    )


def _chart(chart: PackChart, index: int) -> str:
    drawing = chart.svg or bars_svg(chart, f"pack-chart-{index}")
    return f"<h2>{escape(chart.title)}</h2><figure>{drawing}</figure>{_p(chart.note)}{_table(chart)}"


def render_html(pack: EvidencePack) -> str:
    """The whole pack as an HTML document (UTF-8), ready to open, print or paste from.

    Example:
        >>> from commonground.questions.dashboards.pack import EvidencePack
        >>> pack = EvidencePack("Hub", "How many?", "q", "Chronic absence", "def", "read", "all students", 1,
        ...                     "ab" * 32, "2025-07-01", "2025-07-02", ())
        >>> "How many?" in render_html(pack)
        True
    """
    charts = "".join(_chart(c, i) for i, c in enumerate(pack.charts, start=1))
    action = _p(f"The action it informs: {pack.action}") if pack.action else ""
    owner = _p(f"Question owner: {pack.owner}") if pack.owner else ""
    link = f'<p class="meta">Online: {escape(pack.link)}</p>' if pack.link else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evidence pack: {escape(pack.question)}</title><style>{_CSS}</style></head><body><main>"
        f'<p class="meta">{escape(pack.hub_name)} · evidence pack · generated {escape(pack.generated)}</p>'
        f"<h1>{escape(pack.question)}</h1>{action}{owner}"
        f"<p><strong>Indicator:</strong> {escape(pack.indicator)}. <strong>Showing:</strong> "
        f"{escape(pack.selection)}.</p>{_ul(pack.notes)}"
        f"{charts}"
        f"<h2>Definition</h2>{_p(pack.definition)}"
        f"<h2>How to read this</h2>{_p(pack.how_to_read)}{_p(pack.caveat)}"
        f"<h2>Method</h2>{_ul(pack.method)}"
        f"<h2>Suppression</h2>{_ul(pack.suppression) or _p('No suppression summary was recorded.')}"
        f"<h2>Data sources and dates</h2>{_ul(pack.sources) or _p('No sources were recorded.')}"
        f"<h2>Release</h2><p>Version {pack.release_version}, published {escape(pack.published)}. "
        f"SHA-256 of the release file: <code>{escape(pack.release_sha256)}</code>.</p>{link}"
        "</main></body></html>\n"
    )
