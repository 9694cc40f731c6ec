"""The cell lattice of a tidy table: every combination of breakdown values, totals included.

A tidy table has one column per breakdown dimension (``All`` marks a total), then ``measure``,
``numerator``, ``denominator``, ``value`` and ``students``. Completing it adds the combinations no student
falls in, as zeros: an attacker who sees the shape of a table knows those cells are empty, so the audit must
count them as published zeros rather than unknowns.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

TOTAL = "All"
NUMBERS = ("numerator", "denominator", "students")


def dimension_values(table: pa.Table, dims: Sequence[str]) -> dict[str, list[str]]:
    """The observed values of each dimension, totals excluded, sorted."""
    return {
        d: sorted(v for v in set(table.column(d).to_pylist()) if v != TOTAL and v is not None) for d in dims
    }


def complete(table: pa.Table, dims: Sequence[str]) -> pa.Table:
    """The table with every (cell, measure) present; added rows hold zeros and a null value.

    Rows keep a deterministic order: measures in first-seen order, then cells with totals first.
    """
    for i, f in enumerate(table.schema):
        if pa.types.is_null(f.type):  # an all-empty column (e.g. no value anywhere) joins as float
            table = table.set_column(i, f.name, table.column(i).cast(pa.float64()))
    values = dimension_values(table, dims)
    measures = list(dict.fromkeys(table.column("measure").to_pylist()))
    keys = list(itertools.product(*[[TOTAL, *values[d]] for d in dims]))
    full = {d: [k[i] for _m in measures for k in keys] for i, d in enumerate(dims)}
    full["measure"] = [m for m in measures for _k in keys]
    grid = pa.table({name: pa.array(col, pa.string()) for name, col in full.items()})
    grid = grid.append_column("__order", pa.array(range(grid.num_rows), pa.int64()))
    joined = grid.join(table, keys=[*dims, "measure"], join_type="left outer")
    joined = joined.sort_by("__order").drop_columns(["__order"])
    for name in NUMBERS:
        if name in joined.column_names:
            col = joined.column(name)
            joined = joined.set_column(joined.schema.get_field_index(name), name, pc.fill_null(col, 0))
    order = [*dims, "measure", *[c for c in table.column_names if c not in (*dims, "measure")]]
    return joined.select(order).replace_schema_metadata(table.schema.metadata)
