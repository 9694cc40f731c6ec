"""Run one indicator on DuckDB: ``run_indicator(con_or_paths, indicator_id, breakdowns, params)``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pyarrow as pa

from . import breakdowns as bd
from .compose import Query, compose
from .errors import IndicatorError, IndicatorNotAvailable
from .library import get_indicator
from .model import Indicator
from .params import resolve
from .tables import Source, Sources, columns_of, connect, existing, register
from .tidy import tidy


def prepare(
    indicator_id: str,
    breakdowns: Sequence[str],
    params: Mapping[str, object] | None,
    *,
    linked: bool,
    columns: Mapping[str, set[str]] | None = None,
) -> tuple[Indicator, Query, dict[str, object]]:
    """Validate the request and compose its SQL (shared by the DuckDB and Spark runners)."""
    indicator = get_indicator(indicator_id)
    if not indicator.available:
        raise IndicatorNotAvailable(f"{indicator.title} is not available: {indicator.unavailable_reason}")
    dims = bd.check(breakdowns, indicator.breakdowns, indicator.id)
    resolved = resolve(indicator.params, params, indicator.id)
    if indicator.validate is not None:
        indicator.validate(resolved)
    for dim in dims:
        if dim in bd.OPTIONAL_COLUMNS and columns is not None:
            table, column = bd.OPTIONAL_COLUMNS[dim]
            if column not in columns.get(table, set()):
                raise IndicatorError(
                    f"breakdown {dim!r} needs a {column!r} column on the {table} table, and it has none"
                )
    return indicator, compose(indicator, dims, resolved, linked=linked), resolved


def run_indicator(
    con_or_paths: duckdb.DuckDBPyConnection | Sources,
    indicator_id: str,
    breakdowns: Sequence[str] = (),
    params: Mapping[str, object] | None = None,
    *,
    person_link: Source | None = None,
) -> pa.Table:
    """Compute an indicator as a tidy table of cells with every margin of ``breakdowns``.

    ``con_or_paths`` is either a DuckDB connection whose views are named after the canonical tables (missing
    ones are added empty), or a mapping of table name → Parquet file(s)/folder or Arrow table. ``person_link``
    (source_org, source_person_id, hub_person_id) — given here, in the mapping, or as a view — makes students
    one person across organizations; without it a student is a (source_org, source_person_id).

    Returns columns ``<breakdowns…>, measure, numerator, denominator, value, students``; ``All`` marks a total.

    Example:
        >>> run_indicator({"enrollment": "enr.parquet", "calendar_date": "cal.parquet",
        ...                "attendance_event": "att.parquet"}, "chronic_absence", ["school"])  # doctest: +SKIP
    """
    if isinstance(con_or_paths, duckdb.DuckDBPyConnection):
        return _run(con_or_paths, {}, indicator_id, breakdowns, params, person_link, own=False)
    con = connect()
    try:
        return _run(con, dict(con_or_paths), indicator_id, breakdowns, params, person_link, own=True)
    finally:
        con.close()


def _run(
    con: duckdb.DuckDBPyConnection,
    sources: dict[str, Source],
    indicator_id: str,
    breakdowns: Sequence[str],
    params: Mapping[str, object] | None,
    person_link: Source | None,
    *,
    own: bool,
) -> pa.Table:
    if person_link is not None:
        sources["person_link"] = person_link
    given = register(con, sources, keep=() if own else existing(con))
    columns = {"person": columns_of(con, "person")}
    indicator, query, resolved = prepare(
        indicator_id, breakdowns, params, linked="person_link" in given, columns=columns
    )
    wide = con.sql(query.sql).to_arrow_table()
    return tidy(wide, query, indicator, resolved)
