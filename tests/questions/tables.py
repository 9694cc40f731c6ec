"""Tidy tables with every margin, built from the counts of their finest cells (for suppression tests)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pyarrow as pa

from commonground.questions.suppression import TOTAL


def cube(
    dims: Sequence[str],
    finest: Mapping[tuple[str, ...], tuple[int, int]],
    measure: str = "m",
    proportion: bool = True,
) -> pa.Table:
    """{finest key: (numerator, denominator)} → every cell with its margins, as an indicator would return it."""
    values = [sorted({k[i] for k in finest}) for i in range(len(dims))]
    rows = []
    for key in itertools.product(*[[TOTAL, *v] for v in values]):
        num = den = 0
        for fk, (n, d) in finest.items():
            if all(k in (TOTAL, f) for k, f in zip(key, fk, strict=True)):
                num, den = num + n, den + d
        rows.append({**dict(zip(dims, key, strict=True)), "measure": measure, "numerator": float(num),
                     "denominator": float(den), "value": num / den if den else None, "students": den})  # fmt: skip
    meta = {b"commonground.proportions": (f'["{measure}"]' if proportion else "[]").encode()}
    schema = pa.schema([*((d, pa.string()) for d in dims), ("measure", pa.string()), ("numerator", pa.float64()),
                        ("denominator", pa.float64()), ("value", pa.float64()), ("students", pa.int64())])  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema).replace_schema_metadata(meta)


def release(table: pa.Table, hidden: Sequence[Mapping[str, str]]) -> pa.Table:
    """A hand-made release of ``table``: the cells matching ``hidden`` (dim → value, others All) suppressed."""
    dims = [
        c for c in table.column_names if c not in ("measure", "numerator", "denominator", "value", "students")
    ]
    keys = [tuple(h.get(d, TOTAL) for d in dims) for h in hidden]
    rows = []
    for r in table.to_pylist():
        hide = tuple(r[d] for d in dims) in keys
        rows.append({**{d: r[d] for d in dims}, "measure": r["measure"],
                     "numerator": None if hide else r["numerator"], "denominator": None if hide else r["denominator"],
                     "value": None if hide else r["value"], "status": "suppressed" if hide else "published"})  # fmt: skip
    schema = pa.schema([*((d, pa.string()) for d in dims), ("measure", pa.string()), ("numerator", pa.float64()),
                        ("denominator", pa.float64()), ("value", pa.float64()), ("status", pa.string())])  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema).replace_schema_metadata(table.schema.metadata)


def published(release_table: pa.Table) -> list[dict[str, object]]:
    """The rows of a release that are published."""
    return [r for r in release_table.to_pylist() if r["status"] == "published"]
