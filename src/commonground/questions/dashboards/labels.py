"""Plain-language labels for breakdown dimensions, their values and numbers (one place, so the page, the table,
the chart and the evidence pack say the same thing)."""

from __future__ import annotations

from collections.abc import Mapping

from commonground.questions.indicators.breakdowns import TOTAL

SUPPRESSED = "suppressed"

DIMENSION_LABELS: dict[str, str] = {
    "school": "School",
    "grade": "Grade",
    "year": "School year",
    "sex": "Sex",
    "race_ethnicity": "Race/ethnicity",
    "neighborhood": "Neighbourhood",
    "program": "Program participation",
}

_GRADE_WORDS = {"KG": "Kindergarten", "PK": "Pre-kindergarten", "K": "Kindergarten"}


def dimension_label(dim: str) -> str:
    """``race_ethnicity`` → ``Race/ethnicity``; unknown names are tidied rather than refused."""
    return DIMENSION_LABELS.get(dim, dim.replace("_", " ").capitalize())


def value_label(dim: str, value: str, names: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A dimension value as people read it: ``year 2025`` → ``2024–25``, ``grade 03`` → ``Grade 3``,
    a school id → its name (from ``names``, e.g. ``{"school": {"417300100": "Riverside Elementary"}}``).

    Example:
        >>> value_label("year", "2025"), value_label("grade", "03"), value_label("school", "All")
        ('2024–25', 'Grade 3', 'All schools')
    """
    if value == TOTAL:
        return _ALL.get(dim, "All")
    if names and value in names.get(dim, {}):
        return names[dim][value]
    if dim == "year" and value.isdigit():
        year = int(value)
        return f"{year - 1}–{str(year)[-2:]}"
    if dim == "grade":
        if value in _GRADE_WORDS:
            return _GRADE_WORDS[value]
        if value.isdigit():
            return f"Grade {int(value)}"
    if dim == "program" and value in ("participant", "non-participant"):
        return "Participants" if value == "participant" else "Non-participants"
    return value


_ALL = {
    "school": "All schools",
    "grade": "All grades",
    "year": "All years",
    "sex": "All",
    "race_ethnicity": "All",
    "neighborhood": "All neighbourhoods",
    "program": "Participants and non-participants",
}


def format_value(value: float | None, proportion: bool) -> str:
    """A cell's value for reading: a proportion as a percentage, anything else with one decimal.

    ``None`` (no denominator) reads "no students"; suppressed cells never reach here (see ``Cell.value_text``).

    Example:
        >>> format_value(0.2345, True), format_value(12.25, False)
        ('23.4%', '12.2')
    """
    if value is None:
        return "no students"
    if proportion:
        return f"{value * 100:.1f}%"
    return f"{value:,.1f}"


def format_count(number: float | None) -> str:
    """A numerator or denominator: whole numbers without decimals, others with one."""
    if number is None:
        return "—"
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.1f}"
