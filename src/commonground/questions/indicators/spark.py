"""The same indicator SQL on Apache Spark: transpiled with sqlglot, over the same Parquet files.

Spark is optional (a dev dependency for scale-out tests); nothing here imports it at module load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot

from .runner import prepare
from .tables import ALL_SCHEMAS, Source, duck_type, select_list
from .tidy import tidy


def to_spark_sql(sql: str) -> str:
    """DuckDB-dialect indicator SQL as Spark SQL."""
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def _spark_type(typ: pa.DataType) -> str:
    return {"VARCHAR": "STRING", "INTEGER": "INT"}.get(duck_type(typ), duck_type(typ))


def register_spark(spark: Any, sources: Mapping[str, Source]) -> set[str]:
    """Temporary views named after the canonical tables (empty where no files are given)."""
    given = set()
    for name, schema in ALL_SCHEMAS.items():
        source = sources.get(name)
        if source is None:
            ddl = ", ".join(f"`{f.name}` {_spark_type(f.type)}" for f in schema)
            spark.createDataFrame([], ddl).createOrReplaceTempView(name)
            continue
        if isinstance(source, pa.Table):
            raise TypeError(f"table {name!r}: the Spark runner reads Parquet files, not Arrow tables")
        paths = [str(source)] if isinstance(source, str | Path) else [str(p) for p in source]
        present = pq.read_schema(next(Path(paths[0]).rglob("*.parquet")) if Path(paths[0]).is_dir()
                                 else paths[0]).names  # fmt: skip
        spark.read.parquet(*paths).createOrReplaceTempView(f"{name}__files")
        cols = select_list(name, present, schema)
        spark.sql(to_spark_sql(f"SELECT {cols} FROM {name}__files")).createOrReplaceTempView(name)  # noqa: S608 - canonical names
        given.add(name)
    return given


def run_indicator_spark(
    spark: Any,
    paths: Mapping[str, Source],
    indicator_id: str,
    breakdowns: Sequence[str] = (),
    params: Mapping[str, object] | None = None,
) -> pa.Table:
    """:func:`~.runner.run_indicator` on a Spark session: same SQL, same tidy table."""
    given = register_spark(spark, paths)
    person_cols = set(spark.table("person").columns)
    indicator, query, resolved = prepare(
        indicator_id, breakdowns, params, linked="person_link" in given, columns={"person": person_cols}
    )
    frame = spark.sql(to_spark_sql(query.sql))
    wide = (
        frame.toArrow()
        if hasattr(frame, "toArrow")
        else pa.Table.from_pylist([r.asDict() for r in frame.collect()])
    )
    return tidy(wide, query, indicator, resolved)
