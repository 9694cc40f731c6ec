"""Assemble an indicator's full SQL: the shared CTEs, its ``fact`` CTE, and the cube of the requested breakdowns.

The final SELECT sums each measure's numerator, denominator and student count over ``GROUP BY CUBE(...)``
of the breakdowns, so every margin comes out of the same query; ``GROUPING()`` marks a total with ``All``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .base_sql import Identity, base_ctes
from .breakdowns import OPTIONAL_COLUMNS, TOTAL
from .model import Indicator


@dataclass(frozen=True)
class Query:
    """The SQL of one indicator run and how to read its result columns."""

    sql: str
    dims: tuple[str, ...]
    measure_columns: tuple[tuple[str, str, str, str], ...]  # (measure id, numerator, denominator, students)


def compose(
    indicator: Indicator, dims: tuple[str, ...], params: Mapping[str, object], *, linked: bool
) -> Query:
    """The whole query for ``indicator`` broken down by ``dims`` (already validated)."""
    if indicator.fact_sql is None:
        raise ValueError(f"indicator {indicator.id!r} has no SQL")
    needs = set(indicator.needs)
    if "program" in dims:
        needs.add("participation")
    extra = tuple(OPTIONAL_COLUMNS[d][1] for d in dims if d in OPTIONAL_COLUMNS)
    ident = Identity(linked)
    ctes = base_ctes(ident, frozenset(needs), params, extra)
    ctes += indicator.fact_sql(params, ident)
    selects: list[str] = [
        f"CASE WHEN GROUPING(d_{d}) = 1 THEN '{TOTAL}' ELSE COALESCE(CAST(d_{d} AS VARCHAR), 'Unknown') END AS {d}"
        for d in dims
    ]
    cols: list[tuple[str, str, str, str]] = []
    for i, m in enumerate(indicator.measures):
        names = (f"m{i}_num", f"m{i}_den", f"m{i}_n")
        selects += [
            f"SUM(CAST({m.numerator} AS DOUBLE)) AS {names[0]}",
            f"SUM(CAST({m.denominator} AS DOUBLE)) AS {names[1]}",
            f"SUM(CAST({m.students} AS DOUBLE)) AS {names[2]}",
        ]
        cols.append((m.id, *names))
    with_sql = ",\n".join(f"{name} AS (\n  {body}\n)" for name, body in ctes)
    group = f"\nGROUP BY CUBE ({', '.join(f'd_{d}' for d in dims)})" if dims else ""
    sql = f"WITH {with_sql}\nSELECT {', '.join(selects)}\nFROM fact{group}"
    return Query(sql=sql, dims=dims, measure_columns=tuple(cols))
