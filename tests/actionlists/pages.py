"""Reading the list page's table the way a person does: one row per student, cells by column heading."""

from __future__ import annotations

import re
from html import unescape

HEADINGS = ["School", "Attendance rate", "Recent absences", "Chronically absent", "Suspensions", "Course failures",
            "Latest assessment", "Early warning", "Absences by month"]  # fmt: skip


def _text(fragment: str) -> str:
    fragment = re.sub(r"<title>.*?</title>", "", fragment, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def student_rows(html: str) -> dict[str, dict[str, str]]:
    """Student label → {column heading: text} for every row of the students table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out: dict[str, dict[str, str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        if len(cells) == len(HEADINGS) + 1:
            out[_text(cells[0])] = dict(zip(HEADINGS, map(_text, cells[1:]), strict=True))
    return out
