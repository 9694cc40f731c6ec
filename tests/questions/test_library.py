"""The library's contract: every indicator is documented, versioned, and refuses bad requests clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from commonground.questions.indicators import INDICATORS, IndicatorError, run_indicator
from commonground.questions.indicators.docs import render_markdown
from commonground.questions.indicators.spark import to_spark_sql

from .test_attendance import world

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_every_indicator_has_text_version_and_measures() -> None:
    for ind in INDICATORS.values():
        assert ind.version >= 1 and ind.title and ind.definition and ind.how_to_read
        if ind.available:
            assert ind.measures and ind.breakdowns and ind.fact_sql is not None
        else:
            assert ind.unavailable_reason


def test_docs_page_is_generated_from_the_library() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "docs/indicators.md is out of date: regenerate it with "
        "`python -m commonground.questions.indicators.docs > docs/indicators.md`"
    )


@pytest.mark.parametrize(
    ("indicator", "breakdowns", "params", "message"),
    [
        ("no_such_thing", [], {}, "unknown indicator 'no_such_thing'"),
        ("chronic_absence", ["shoe_size"], {}, "unknown breakdown 'shoe_size'"),
        ("program_dosage", ["program"], {}, "cannot be broken down by 'program'"),
        ("chronic_absence", ["school", "school"], {}, "listed twice"),
        ("chronic_absence", [], {"threshold": 2}, "outside the allowed range"),
        ("chronic_absence", [], {"threshold": "ten"}, "is not a number"),
        ("chronic_absence", [], {"min_days_enrolled": 2.5}, "is not a whole number"),
        ("chronic_absence", [], {"treshold": 0.2}, "has no parameter treshold"),
        ("program_dosage", [], {"program": "x'; DROP TABLE person; --"}, "may hold only"),
    ],
)
def test_bad_requests_get_specific_errors(indicator: str, breakdowns: list[str], params: dict[str, object],
                                          message: str) -> None:  # fmt: skip
    with pytest.raises(IndicatorError, match=message):
        run_indicator(world(), indicator, breakdowns, params)


def test_unknown_table_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IndicatorError, match="unknown table grades"):
        run_indicator({"grades": tmp_path}, "chronic_absence")
    with pytest.raises(IndicatorError, match="no Parquet file"):
        run_indicator({"enrollment": tmp_path / "missing.parquet"}, "chronic_absence")


def test_results_carry_provenance_metadata() -> None:
    meta = run_indicator(world(), "chronic_absence", ["school"]).schema.metadata
    assert meta[b"commonground.indicator"] == b"chronic_absence@2"
    assert b'"threshold": 0.1' in meta[b"commonground.params"]
    assert meta[b"commonground.proportions"] == b'["chronic_absence"]'


def test_every_available_indicator_transpiles_to_spark_sql() -> None:
    from commonground.questions.indicators.runner import prepare

    for ind in INDICATORS.values():
        if ind.available:
            _i, query, _p = prepare(ind.id, ind.breakdowns[:2], None, linked=True)
            spark_sql = to_spark_sql(query.sql)
            assert "GROUP BY CUBE" in spark_sql.upper() or "CUBE" in spark_sql.upper()
