"""The Django-free dashboard builders: parsing release rows, filters and slices, and the Vega-Lite specs."""

from __future__ import annotations

from typing import Any

import pytest

from commonground.questions.dashboards import (
    DashboardError,
    MeasureInfo,
    bars_spec,
    cells_from_rows,
    chart_rows,
    choose,
    grains,
    slice_for,
    trend_spec,
)
from commonground.questions.dashboards.labels import format_value, value_label
from commonground.questions.dashboards.slices import headline
from commonground.questions.releases import release_dims, release_rows
from tests.questions.dashboard_fixtures import CSV_TEXT, MEASURE, SCHOOL_NAMES


def _cells():  # type: ignore[no-untyped-def]
    rows = release_rows(CSV_TEXT)
    return cells_from_rows(rows, release_dims(rows))


def test_rows_parse_into_cells_and_suppressed_rows_have_no_numbers() -> None:
    cells = _cells()
    assert len(cells) == 19
    hidden = [c for c in cells if c.suppressed]
    assert {c.dims["neighborhood"] for c in hidden} == {"All", "Oak Hill", "Unknown"}
    assert all(c.numerator is None and c.value is None for c in hidden)
    assert all(
        c.value_text(True) == "suppressed" and c.count_text("numerator") == "suppressed" for c in hidden
    )
    # CSV strings parse the same as typed rows.
    raw = [dict(zip(CSV_TEXT.splitlines()[0].split(","), line.split(","), strict=True))
           for line in CSV_TEXT.splitlines()[1:]]  # fmt: skip
    assert cells_from_rows(raw) == cells


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"school": "A", "measure": "m", "numerator": "0", "denominator": "", "value": "", "status": "suppressed"},
         "a suppressed row must have empty numbers"),
        ({"school": "A", "measure": "m", "numerator": "", "denominator": "", "value": "", "status": "published"},
         "a published row needs its numerator and denominator"),
        ({"school": "A", "measure": "m", "numerator": "x", "denominator": "2", "value": "", "status": "published"},
         "numerator is 'x', not a number"),
        ({"school": "A", "measure": "m", "numerator": "1", "denominator": "2", "value": "", "status": "hidden"},
         "status is 'hidden'"),
        ({"school": "", "measure": "m", "numerator": "1", "denominator": "2", "value": "", "status": "published"},
         "no value for the 'school' column"),
        ({"school": "A", "numerator": "1", "denominator": "2", "value": "", "status": "published"},
         "lack the column(s) measure"),
    ],
)  # fmt: skip
def test_bad_rows_are_refused_with_the_row_and_the_reason(row: dict[str, str], message: str) -> None:
    with pytest.raises(DashboardError, match=r"row 2: |lack the column") as err:
        cells_from_rows([row])
    assert message in str(err.value)


def test_grains_and_default_filters() -> None:
    cells = _cells()
    found = grains(cells)
    assert found == {frozenset(), frozenset({"school"}), frozenset({"year"}), frozenset({"neighborhood"}),
                     frozenset({"school", "year"})}  # fmt: skip
    selection, filters = choose(cells, ["school", "year", "neighborhood"], [MEASURE], {}, SCHOOL_NAMES)
    # The release breaks schools down by year, so the latest year is the default.
    assert dict(selection.values) == {"school": "All", "year": "2025", "neighborhood": "All"}
    school = next(f for f in filters if f.name == "school")
    assert [o.label for o in school.options] == ["All schools", "Lincoln Elementary", "Oak Hill Elementary",
                                                 "Riverside Elementary"]  # fmt: skip
    assert [o.label for o in filters[2].options] == ["All years", "2023–24", "2024–25"]


def test_unknown_filter_values_are_refused_naming_the_choices() -> None:
    cells = _cells()
    with pytest.raises(
        DashboardError, match=r"School '999' is not in this release; choose one of: All schools"
    ):
        choose(cells, ["school", "year", "neighborhood"], [MEASURE], {"school": "999"}, SCHOOL_NAMES)
    with pytest.raises(DashboardError, match="unknown measure 'nope'; this release has chronic_absence"):
        choose(cells, ["school", "year", "neighborhood"], [MEASURE], {"measure": "nope"})


def test_slices_hold_the_other_filters_and_explain_missing_grains() -> None:
    cells = _cells()
    dims = ["school", "year", "neighborhood"]
    selection, _ = choose(cells, dims, [MEASURE], {"year": "2025"}, SCHOOL_NAMES)
    by_school = slice_for(cells, selection, "school", SCHOOL_NAMES)
    assert [c.dims["school"] for c in by_school.cells] == ["417300101", "417300102", "417300100"]  # by name
    assert [c.suppressed for c in by_school.cells] == [False, True, False]
    assert all(c.dims["year"] == "2025" for c in by_school.cells)
    # Neighbourhoods are published only on their own: with a year chosen, the page says so.
    hoods = slice_for(cells, selection, "neighborhood")
    assert hoods.cells == ()
    assert "does not break neighbourhood down by school year" in hoods.reason
    assert "school × school year" in hoods.reason
    everything, _ = choose(cells, dims, [MEASURE], {"year": "All"})
    assert len(slice_for(cells, everything, "neighborhood").cells) == 7
    trend = slice_for(cells, everything, "year")
    assert [c.value for c in trend.cells] == [round(100 / 450, 4), round(80 / 450, 4)]
    assert "not broken down by sex" in slice_for(cells, everything, "sex").reason


def test_headline_is_the_cell_at_exactly_the_filters() -> None:
    cells = _cells()
    selection, _ = choose(cells, ["school", "year", "neighborhood"], [MEASURE], {"school": "417300102"})
    cell = headline(cells, selection)
    assert cell is not None and cell.suppressed and cell.dims["year"] == "2025"
    assert selection.describe(SCHOOL_NAMES) == "Oak Hill Elementary, 2024–25"


def test_bar_spec_draws_published_bars_and_writes_suppressed_without_a_bar() -> None:
    cells = _cells()
    selection, _ = choose(cells, ["school", "year", "neighborhood"], [MEASURE], {}, SCHOOL_NAMES)
    rows = chart_rows(
        slice_for(cells, selection, "school", SCHOOL_NAMES).cells, "school", MEASURE, SCHOOL_NAMES
    )
    assert rows[1] == {"key": "417300102", "label": "Oak Hill Elementary", "value": None, "status": "suppressed",
                       "text": "suppressed"}  # fmt: skip
    spec = bars_spec(rows, MEASURE, "Chronic absence by school")
    assert spec["$schema"].endswith("vega-lite/v6.json") and spec["data"]["values"] == rows
    bar, label, hidden = spec["layer"]
    assert label["encoding"]["text"]["field"] == "text"
    assert bar["mark"]["type"] == "bar" and bar["transform"] == [
        {"filter": {"field": "status", "equal": "published"}}
    ]
    assert hidden["transform"] == [{"filter": {"field": "status", "equal": "suppressed"}}]
    assert hidden["mark"]["type"] == "text" and "x" not in hidden["encoding"]  # no position on the value axis
    assert bar["encoding"]["x"]["axis"]["format"] == "%" and spec["config"]["aria"] is False
    assert bars_spec(rows, MeasureInfo("hours", "Hours", False), "t")["layer"][0]["encoding"]["x"]["axis"].get(
        "format") is None  # fmt: skip


def test_trend_spec_breaks_the_line_at_hidden_years() -> None:
    rows: list[dict[str, Any]] = [
        {"key": "2024", "label": "2023–24", "value": 0.2, "status": "published", "text": "20.0%"},
        {"key": "2025", "label": "2024–25", "value": None, "status": "suppressed", "text": "suppressed"},
        {"key": "2026", "label": "2025–26", "value": 0.18, "status": "published", "text": "18.0%"},
    ]
    spec = trend_spec(rows, MEASURE, "Chronic absence over school years")
    line = spec["layer"][0]
    assert line["mark"]["type"] == "line" and line["mark"]["invalid"] == "break-paths-show-domains"
    assert spec["encoding"]["x"]["sort"] is None and spec["layer"][-1]["mark"]["fontStyle"] == "italic"


def test_labels() -> None:
    assert value_label("year", "2025") == "2024–25"
    assert value_label("grade", "KG") == "Kindergarten" and value_label("grade", "03") == "Grade 3"
    assert value_label("school", "All") == "All schools"
    assert value_label("program", "participant") == "Participants"
    assert format_value(0.23456, True) == "23.5%" and format_value(3.0, False) == "3.0"
    assert format_value(None, True) == "no students"
