"""From the cube query's wide rows to the tidy table of cells, with every margin and the run's provenance."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from commonground.questions.suppression.lattice import complete

from .compose import Query
from .model import Indicator

#: Schema metadata keys (bytes) the suppression reads and releases record.
META_INDICATOR = b"commonground.indicator"
META_PARAMS = b"commonground.params"
META_DIMS = b"commonground.dims"
META_PROPORTIONS = b"commonground.proportions"


def tidy(wide: pa.Table, query: Query, indicator: Indicator, params: Mapping[str, object]) -> pa.Table:
    """One row per (cell, measure): dims…, measure, numerator, denominator, value, students."""
    parts = []
    for measure_id, num, den, n in query.measure_columns:
        numerator = pc.fill_null(pc.cast(wide.column(num), pa.float64()), 0.0)
        denominator = pc.fill_null(pc.cast(wide.column(den), pa.float64()), 0.0)
        cols: dict[str, pa.Array | pa.ChunkedArray] = {
            d: pc.cast(wide.column(d), pa.string()) for d in query.dims
        }
        cols["measure"] = pa.array([measure_id] * wide.num_rows, pa.string())
        cols["numerator"] = numerator
        cols["denominator"] = denominator
        cols["students"] = pc.cast(pc.round(pc.fill_null(wide.column(n), 0.0)), pa.int64())
        parts.append(pa.table(cols))
    table = pa.concat_tables(parts) if parts else pa.table({})
    table = complete(table, query.dims)
    value = pc.if_else(
        pc.greater(table.column("denominator"), 0.0),
        pc.divide(table.column("numerator"), pc.max_element_wise(table.column("denominator"), 1e-300)),
        pa.scalar(None, pa.float64()),
    )
    students = table.column("students")
    table = table.select([*query.dims, "measure", "numerator", "denominator"])
    table = table.append_column("value", value).append_column("students", students)
    meta = {
        META_INDICATOR: indicator.ref.encode(),
        META_PARAMS: json.dumps(dict(params), sort_keys=True, default=str).encode(),
        META_DIMS: json.dumps(list(query.dims)).encode(),
        META_PROPORTIONS: json.dumps([m.id for m in indicator.measures if m.proportion]).encode(),
    }
    return table.replace_schema_metadata(meta)
