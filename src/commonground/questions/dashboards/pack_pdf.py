"""The evidence pack as a PDF (fpdf2, core fonts only: no font files, nothing downloaded).

Charts are drawn with fpdf2's own primitives — one bar per group, the value written at its end; a hidden group
reads "suppressed" where its bar would be and has no bar, so it can never be mistaken for zero.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.fonts import FontFace

from .pack import EvidencePack, PackChart

_REPLACE = str.maketrans(
    {"→": "->", "≤": "<=", "≥": ">=", "×": "x", "\u00a0": " ", "’": "'", "‘": "'", "“": '"', "”": '"'}
)
BAR_RGB = (11, 92, 173)
INK_RGB = (27, 31, 36)
MUTED_RGB = (74, 85, 96)
RULE_RGB = (138, 148, 158)
HEAD_RGB = (234, 238, 242)


def pdf_text(value: str) -> str:
    """Text the core fonts can show (Windows-1252); anything else becomes "?"."""
    return value.translate(_REPLACE).encode("cp1252", errors="replace").decode("cp1252")


class _Writer:
    """Paragraphs, headings and charts on Letter pages, wrapped and paged by fpdf2."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def text(self, txt: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*INK_RGB)
        pdf.multi_cell(pdf.epw, size * 0.5, pdf_text(txt), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def heading(self, txt: str) -> None:
        self.pdf.ln(2)
        self.text(txt, 12.5, "B", 1)

    def items(self, items: tuple[str, ...], empty: str) -> None:
        for item in items or (empty,):
            self.text(f"- {item}" if items else item, gap=0.5)

    def bars(self, chart: PackChart) -> None:
        pdf = self.pdf
        label_w, value_w = 62.0, 24.0
        bar_w = pdf.epw - label_w - value_w
        top = max([r.value for r in chart.rows if r.value is not None] + [0.0]) or 1.0
        pdf.set_font("Helvetica", "", 9)
        for row in chart.rows:
            if pdf.will_page_break(6):
                pdf.add_page()
            x, y = pdf.l_margin, pdf.get_y()
            pdf.set_text_color(*INK_RGB)
            pdf.set_xy(x, y)
            pdf.cell(label_w - 2, 5, pdf_text(row.label)[:40], align="R")
            if row.value is None:
                pdf.set_font("Helvetica", "I", 9)
                pdf.set_text_color(*MUTED_RGB)
                pdf.set_xy(x + label_w + 1, y)
                pdf.cell(bar_w, 5, pdf_text(row.value_text))
                pdf.set_font("Helvetica", "", 9)
            else:
                length = max(row.value, 0.0) / top * bar_w
                pdf.set_fill_color(*BAR_RGB)
                pdf.rect(x + label_w, y + 0.8, max(length, 0.3), 3.6, style="F")
                pdf.set_xy(x + label_w + length + 1, y)
                pdf.cell(value_w, 5, pdf_text(row.value_text))
            pdf.set_xy(x, y + 6)
        pdf.set_draw_color(*INK_RGB)
        pdf.ln(2)

    def table(self, chart: PackChart) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(*INK_RGB)
        pdf.set_fill_color(255, 255, 255)  # the bars' blue would otherwise fill every cell
        pdf.set_draw_color(*RULE_RGB)
        headings = (chart.dimension, chart.measure.label, "Count", "Out of")
        with pdf.table(
            col_widths=(40, 22, 19, 19),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
            first_row_as_headings=True,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_RGB),
            line_height=5,
        ) as table:
            header = table.row()
            for h in headings:
                header.cell(pdf_text(h))
            for r in chart.rows:
                line = table.row()
                for value in (r.label, r.value_text, r.count, r.out_of):
                    line.cell(pdf_text(value))
        pdf.ln(3)


def render_pdf(pack: EvidencePack, *, compress: bool = True) -> bytes:
    """The pack as PDF bytes; the same pack always gives the same bytes (fixed creation date).

    ``compress=False`` leaves the text readable in the raw bytes (what tests search).
    """
    pdf = FPDF(format="Letter")
    pdf.core_fonts_encoding = "windows-1252"  # the core fonts' own encoding: dashes and quotes survive
    pdf.set_compression(compress)
    pdf.set_title(pdf_text(f"Evidence pack: {pack.question}"))
    pdf.set_creator(pdf_text(pack.hub_name))
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes for the same pack
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    w = _Writer(pdf)
    w.text(f"{pack.hub_name} - evidence pack - generated {pack.generated}", 9)
    w.text(pack.question, 16, "B", 2)
    if pack.action:
        w.text(f"The action it informs: {pack.action}")
    if pack.owner:
        w.text(f"Question owner: {pack.owner}")
    w.text(f"Indicator: {pack.indicator}. Showing: {pack.selection}.")
    for note in pack.notes:
        w.text(note, 9.5)
    for chart in pack.charts:
        w.heading(chart.title)
        w.bars(chart)
        if chart.note:
            w.text(chart.note, 9.5)
        w.table(chart)
    w.heading("Definition")
    w.text(pack.definition)
    w.heading("How to read this")
    w.text(pack.how_to_read)
    if pack.caveat:
        w.text(pack.caveat)
    w.heading("Method")
    w.items(pack.method, "No method notes were recorded.")
    w.heading("Suppression")
    w.items(pack.suppression, "No suppression summary was recorded.")
    w.heading("Data sources and dates")
    w.items(pack.sources, "No sources were recorded.")
    w.heading("Release")
    w.text(f"Version {pack.release_version}, published {pack.published}.")
    w.text(f"SHA-256 of the release file: {pack.release_sha256}", 9)
    if pack.link:
        w.text(f"Online: {pack.link}", 9)
    return bytes(pdf.output())
