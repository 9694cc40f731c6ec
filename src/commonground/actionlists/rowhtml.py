"""The HTML of one row of the students table, built once per computed row rather than by the template each time.

A template loop over fifty rows of nine cells cost more than asking the gate about the whole roster, and a row's
HTML depends only on the row (which is itself kept while the data and the gate's answer stay the same), so
:attr:`commonground.actionlists.students.StudentRow.html` builds it here once.  The markup is what the template
wrote before: a row header (a link to the student's page when anything may be seen), the school, the figures
(``restricted`` in italics, ``no data`` muted) and the sparkline of absences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from commonground.actionlists.students import Cell, StudentRow


def _cell(cell: Cell) -> str:
    if cell.state == "restricted":
        return "<td><em>restricted</em></td>"
    if cell.state == "no_data":
        return '<td><span class="count">no data</span></td>'
    return f"<td>{escape(cell.text)}</td>"


def _sparkline(row: StudentRow) -> str:
    if not row.trend:
        return ""
    return format_html(
        '<svg class="sparkline" role="img" aria-label="{}" width="80" height="20" viewBox="0 0 80 20" '
        'focusable="false"><title>{}</title><polyline points="{}" fill="none" stroke="#14324f" '
        'stroke-width="1.5"/></svg>',
        row.trend_text,
        row.trend_text,
        row.trend_points,
    )


def header_cells(headers: list[dict[str, str]]) -> SafeString:
    """The column headers' ``<th>`` cells, each a link that sorts by its column (the next order said to screen
    readers), the current sort column carrying ``aria-sort``; ``headers`` as the list view builds them."""
    parts = []
    for header in headers:
        sort = header["aria_sort"]
        parts.append(
            format_html(
                '<th scope="col"{}><a href="?{}">{}<span class="visually-hidden">, sort {}</span></a></th>',
                format_html(' aria-sort="{}"', sort) if sort else "",
                header["query"],
                header["label"],
                "descending" if sort == "ascending" else "ascending",
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped by format_html


def cells(row: StudentRow) -> SafeString:
    """The row's ``<th>`` and ``<td>`` cells (without the ``<tr>``), escaped."""
    label = escape(row.label)
    if row.visible:
        href = reverse("actionlists:student_detail", args=[row.hub_id])
        label = format_html('<a href="{}">{}</a>', href, row.label)
    parts = [
        f'<th scope="row">{label}</th>',
        f"<td>{escape(row.school) if row.school else '—'}</td>",
        *(_cell(cell) for cell in row.cells.values()),
        f"<td>{_sparkline(row)}</td>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
