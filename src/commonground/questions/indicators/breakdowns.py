"""The breakdown dimensions every indicator draws from, and the one value that marks a total.

Each student-year counts in exactly one value of every dimension (the school where it was enrolled longest,
the grade of that enrollment…), so every total equals the sum of its parts — the property the release audit
relies on. Missing values become ``Unknown``; ``All`` is reserved for totals.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import IndicatorError

TOTAL = "All"
UNKNOWN = "Unknown"

#: name → plain-language description (the column of ``student_year`` is ``d_<name>``).
DIMENSIONS: dict[str, str] = {
    "school": "the school where the student was enrolled the most instructional days that school year",
    "grade": "the grade level of that enrollment (the person record's grade when the enrollment has none)",
    "year": "the school year, named by the calendar year in which it ends (2024 = 2023–24)",
    "sex": "sex as recorded on the school's person record",
    "race_ethnicity": "race/ethnicity on the school's person record, by the federal 7-category roll-up",
    "neighborhood": "the neighbourhood (attendance zone) of that school, from the school table",
    "program": "participant or non-participant: any program spell or service contact during the school year",
}

#: Dimensions that need an extra column on a canonical table (not in the §4 schema everywhere).
OPTIONAL_COLUMNS = {"race_ethnicity": ("person", "race_ethnicity")}


def check(breakdowns: Sequence[str], supported: Sequence[str], indicator: str) -> tuple[str, ...]:
    """The breakdowns in order, validated: known, supported by the indicator, no repeats."""
    seen: list[str] = []
    for name in breakdowns:
        if name not in DIMENSIONS:
            raise IndicatorError(f"unknown breakdown {name!r}; known: {', '.join(DIMENSIONS)}")
        if name not in supported:
            raise IndicatorError(
                f"indicator {indicator!r} cannot be broken down by {name!r}; it supports {', '.join(supported)}"
            )
        if name in seen:
            raise IndicatorError(f"breakdown {name!r} is listed twice")
        seen.append(name)
    return tuple(seen)
