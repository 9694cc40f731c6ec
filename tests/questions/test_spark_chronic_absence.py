"""Scale-out: chronic absence on local Apache Spark over the same Parquet files gives DuckDB's numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from commonground.questions.indicators import run_indicator
from commonground.questions.indicators.spark import run_indicator_spark

from ..spark_session import local_spark
from .test_attendance import world
from .test_programs import LINK
from .test_programs import world as program_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session (two cores)."""
    session = local_spark(
        "commonground-indicators", cores=2, partitions=4, conf={"spark.sql.session.timeZone": "UTC"}
    )
    yield session
    session.stop()


def _write(tmp_path: Path, tables: dict[str, Any]) -> dict[str, Path]:
    paths = {}
    for name, table in tables.items():
        folder = tmp_path / name
        folder.mkdir()
        pq.write_table(table, folder / "part-0.parquet")
        paths[name] = folder
    return paths


def _rows(table: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_spark_chronic_absence_matches_duckdb(spark: Any, tmp_path: Path) -> None:
    paths = _write(tmp_path, world())
    duck = run_indicator(paths, "chronic_absence", ["school", "grade"])
    on_spark = run_indicator_spark(spark, paths, "chronic_absence", ["school", "grade"])
    assert _rows(on_spark) == _rows(duck)
    assert ("All", "All", "chronic_absence", 4.0, 5.0, 0.8, 5) in _rows(on_spark)


def test_spark_matches_duckdb_with_a_person_link(spark: Any, tmp_path: Path) -> None:
    paths = _write(tmp_path, {**program_world(), "person_link": LINK})
    for indicator in ("service_gaps", "matched_comparison"):
        duck = run_indicator(paths, indicator, ["sex"])
        assert _rows(run_indicator_spark(spark, paths, indicator, ["sex"])) == _rows(duck)
