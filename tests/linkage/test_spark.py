"""Scale-out: the model trained on DuckDB scores the same pairs on local Apache Spark (Splink's Spark backend).

The twins guard and one-to-one run over the scored pairs (:func:`~commonground.linkage.engine.decide.decide`),
so Spark only has to score: the links must come out the same as on DuckDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from commonground.linkage.engine.decide import LINK, decide
from commonground.linkage.engine.duck import connect
from commonground.linkage.engine.evalsets import EvalSet
from commonground.linkage.engine.link import link_tables
from commonground.linkage.engine.prepare import prepare
from commonground.linkage.engine.spark import spark_model
from tests.spark_session import local_spark

pytestmark = pytest.mark.slow
SAMPLE = 400  # district records (and the partner records of the same children, plus some others)


def _small(evalset: EvalSet) -> tuple[pa.Table, pa.Table]:
    left = evalset.left.slice(0, SAMPLE)
    chosen = pc.is_in(evalset.true_pairs.column("left_id"), value_set=left.column("unique_id"))
    partners = evalset.true_pairs.filter(chosen).column("right_id")
    mask = pc.or_(
        pc.is_in(evalset.right.column("unique_id"), value_set=partners),
        pc.less(pa.array(range(evalset.right.num_rows)), SAMPLE // 4),
    )
    return left, evalset.right.filter(mask)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    session = local_spark(
        "commonground-linkage-test", cores=1, partitions=2, conf={"spark.driver.memory": "1g"}
    )
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    yield session
    session.stop()


def _spark_pairs(
    spark: Any, tmp: Path, left: pa.Table, right: pa.Table, model: dict[str, Any], result: Any
) -> set[tuple[str, str]]:
    from splink import Linker, SparkAPI

    db = SparkAPI(spark_session=spark, num_partitions_on_repartition=2)
    frames = []
    for name, table in (("left_records", left), ("right_records", right)):
        pq.write_table(prepare(table), tmp / f"{name}.parquet")
        frames.append(
            db.register(spark.read.parquet(str(tmp / f"{name}.parquet")), dataset_display_name=name)
        )
    settings = spark_model(model)
    linker = Linker(frames, settings, log_level=None, validate_settings=False)
    scored = linker.inference.predict(threshold_match_probability=result.thresholds.lower)
    scored.to_parquet(str(tmp / "scored.parquet"), overwrite=True)
    rows = pq.read_table(tmp / "scored.parquet")
    con = connect()
    try:
        con.register("spark_predictions", rows)
        names = [c["output_column_name"] for c in model["comparisons"]]
        pairs = decide(con, "spark_predictions", result.thresholds, one_to_one=True,
                       records=left.num_rows + right.num_rows, names=names)  # fmt: skip
    finally:
        con.close()
    links = pairs.filter(pc.equal(pairs.column("decision"), LINK))
    return set(zip(links.column("left_id").to_pylist(), links.column("right_id").to_pylist(), strict=True))


def test_spark_finds_the_same_links_as_duckdb(evalset: EvalSet, spark: Any, tmp_path: Path) -> None:
    left, right = _small(evalset)
    result = link_tables(left, right)
    duck = set(
        zip(
            result.links().column("left_id").to_pylist(),
            result.links().column("right_id").to_pylist(),
            strict=True,
        )
    )
    assert len(duck) > SAMPLE // 10
    assert _spark_pairs(spark, tmp_path, left, right, result.model, result) == duck
