"""The evidence pack builders (Django-free): HTML with inline SVG charts and tables, and a PDF drawn with fpdf2
primitives; both carry the question, definition, method and suppression notes, sources, version and SHA-256."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from commonground.questions.dashboards import (
    DEMO_BOUNDARIES,
    EvidencePack,
    PackChart,
    cells_from_rows,
    choose,
    choropleth,
    load_boundaries,
    pack_rows,
    render_html,
    render_pdf,
    slice_for,
    suppression_notes,
)
from commonground.questions.indicators import get_indicator
from commonground.questions.releases import release_dims, release_rows
from tests.governance.pdftext import pdf_text
from tests.questions.dashboard_fixtures import CSV_TEXT, MEASURE, SCHOOL_NAMES

WORDING = "Which schools have the most chronically absent students — and where?"
SHA = "ab12" * 16


def _pack() -> EvidencePack:
    rows = release_rows(CSV_TEXT)
    cells = cells_from_rows(rows, release_dims(rows))
    selection, _ = choose(cells, release_dims(rows), [MEASURE], {"year": "2025"}, SCHOOL_NAMES)
    schools = slice_for(cells, selection, "school", SCHOOL_NAMES).cells
    everywhere, _ = choose(cells, release_dims(rows), [MEASURE], {"year": "All"})
    hoods = slice_for(cells, everywhere, "neighborhood").cells
    drawing = choropleth(
        load_boundaries(DEMO_BOUNDARIES), hoods, MEASURE, "By neighbourhood", id_prefix="pack-map"
    )
    indicator = get_indicator("chronic_absence")
    summary = {"min_cell": 10, "rows": 19, "suppressed_rows": 4, "primary_cells": 3, "complementary_cells": 1,
               "hidden_numbers_audited": 12}  # fmt: skip
    return EvidencePack(
        hub_name="Harbor Falls data hub",
        question=WORDING,
        slug="chronic-absence",
        indicator=indicator.title,
        definition=indicator.definition,
        how_to_read=indicator.how_to_read,
        selection=selection.describe(SCHOOL_NAMES),
        release_version=3,
        release_sha256=SHA,
        published="2025-07-01",
        generated="2025-07-02",
        charts=(
            PackChart(
                "Chronic absence by school",
                "School",
                MEASURE,
                pack_rows(schools, "school", MEASURE, SCHOOL_NAMES),
            ),
            PackChart(
                "Chronic absence by neighbourhood",
                "Neighbourhood",
                MEASURE,
                pack_rows(hoods, "neighborhood", MEASURE),
                svg=drawing.svg,
                note="Not on the map: Unknown.",
            ),
        ),
        action="Place attendance outreach workers where rates are highest.",
        owner="Harbor Falls Unified",
        method=("Indicator Chronic absence (chronic_absence@1) with threshold = 0.1.",),
        suppression=suppression_notes(summary),
        sources=("Harbor Falls Unified: Ed-Fi export (submission 4; accepted 2025-06-30)",),
    )


def test_suppression_notes_say_what_was_hidden_and_why() -> None:
    notes = suppression_notes({"min_cell": 10, "rows": 19, "suppressed_rows": 4, "primary_cells": 3,
                               "complementary_cells": 1, "hidden_numbers_audited": 12})  # fmt: skip
    text = " ".join(notes)
    assert "Counts below 10 students" in text and "never means zero" in text
    assert "3 cell(s) were hidden because they were too small, and 1 more" in text
    assert "4 of the release's 19 rows are suppressed" in text and "each of the 12 hidden numbers" in text
    assert suppression_notes({}) == ()


def test_html_pack_has_the_question_charts_tables_and_notes() -> None:
    pack = _pack()
    html = render_html(pack)
    assert html.startswith("<!doctype html>") and "<script" not in html
    assert "<h1>Which schools have the most chronically absent students — and where?</h1>" in html
    assert "Showing:</strong> 2024–25" in html
    # Two charts inline as SVG: the bars (built here) and the map passed in.
    svgs = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert len(svgs) == 2 and all(ET.fromstring(s) is not None for s in svgs)  # noqa: S314 - SVG built here
    assert 'id="pack-chart-1-title"' in svgs[0] and "url(#pack-map-hatch)" in svgs[1]
    assert svgs[0].count("<rect ") == 1 + 2  # the background and one bar per published school (one is hidden)
    # Tables: caption, header scopes, and "suppressed" in every number cell of a hidden row.
    assert html.count("<caption>") == 2 and html.count('scope="col"') == 8
    assert ('<tr class="suppressed"><th scope="row">Oak Hill Elementary</th><td class="num">suppressed</td>'
            '<td class="num">suppressed</td><td class="num">suppressed</td></tr>') in html  # fmt: skip
    assert '<th scope="row">Lincoln Elementary</th><td class="num">21.3%</td><td class="num">32</td>' in html
    for part in (pack.definition, pack.how_to_read, "Place attendance outreach workers", "Counts below 10 students",
                 "Ed-Fi export (submission 4; accepted 2025-06-30)", "chronic_absence@1", f"<code>{SHA}</code>",
                 "Version 3, published 2025-07-01", "Not on the map: Unknown."):  # fmt: skip
        assert part in html, part


def test_html_pack_escapes_text() -> None:
    pack = _pack()
    evil = EvidencePack(**{**pack.__dict__, "question": "<script>x</script>", "owner": "A & B"})
    html = render_html(evil)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html and "A &amp; B" in html


def test_pdf_pack_draws_bars_and_carries_the_wording() -> None:
    pack = _pack()
    raw = render_pdf(pack, compress=False)
    assert raw.startswith(b"%PDF-")
    text = pdf_text(raw)
    assert WORDING in text  # the core fonts' Windows-1252 keeps the dash
    for part in ("Chronic absence by school", "Lincoln Elementary", "21.3%", "suppressed", "Definition",
                 "How to read this", "Counts below 10 students", "submission 4", SHA, "Version 3, published 2025-07-01"):  # fmt: skip
        assert part in text, part
    # Bars are filled rectangles: one per published row of both charts (2 schools + 5 neighbourhoods).
    published = sum(1 for c in pack.charts for r in c.rows if not r.suppressed)
    assert len(re.findall(rb"re f\b", raw)) == published == 7
    compressed = render_pdf(pack)
    assert compressed.startswith(b"%PDF-") and compressed == render_pdf(pack)  # reproducible bytes
    assert pack.filename == "chronic-absence-v3-evidence"
