"""A tidy table as arrays: cell keys, measures, numerators and denominators, and the totals-equal-sums equations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .errors import SuppressionError
from .lattice import TOTAL, dimension_values

FIXED = ("measure", "numerator", "denominator", "value", "students", "status")
META_PROPORTIONS = b"commonground.proportions"
PUBLISHED, SUPPRESSED = "published", "suppressed"

Key = tuple[str, ...]


@dataclass
class Cells:
    """The cells of one table: ``num``/``den`` are (cells × measures); ``hidden`` marks suppressed entries.

    ``equations`` holds, for every total, (parent index, child indices) — one per dimension at ``All``.
    """

    dims: tuple[str, ...]
    keys: list[Key]
    measures: list[str]
    num: np.ndarray
    den: np.ndarray
    students: np.ndarray
    hidden: np.ndarray
    proportions: frozenset[str]
    equations: list[tuple[int, np.ndarray]]

    @property
    def index(self) -> dict[Key, int]:
        """Cell key → row of the arrays."""
        return {k: i for i, k in enumerate(self.keys)}

    def describe(self, cell: int) -> str:
        """``school=A, grade=03`` (or ``all cells`` for the grand total)."""
        parts = [f"{d}={v}" for d, v in zip(self.dims, self.keys[cell], strict=True) if v != TOTAL]
        return ", ".join(parts) or "grand total"


def dims_of(table: pa.Table) -> tuple[str, ...]:
    """The breakdown columns of a tidy table (everything before ``measure`` that is not a number)."""
    return tuple(c for c in table.column_names if c not in FIXED)


def proportions_of(table: pa.Table, given: Sequence[str] | None = None) -> frozenset[str]:
    """Measures whose numerator is part of the denominator: as given, else from the table's metadata."""
    if given is not None:
        return frozenset(given)
    meta = table.schema.metadata or {}
    raw = meta.get(META_PROPORTIONS)
    return frozenset(json.loads(raw)) if raw else frozenset()


def from_table(table: pa.Table, proportions: Sequence[str] | None = None) -> Cells:
    """Read a tidy table (a computed one, or a release with ``status`` and empty hidden numbers)."""
    for col in ("measure", "numerator", "denominator"):
        if col not in table.column_names:
            raise SuppressionError(f"the table has no {col!r} column")
    dims = dims_of(table)
    rows = table.to_pydict()
    measures = list(dict.fromkeys(rows["measure"]))
    m_index = {m: j for j, m in enumerate(measures)}
    keys: list[Key] = []
    k_index: dict[Key, int] = {}
    for r in range(table.num_rows):
        key = tuple(str(rows[d][r]) for d in dims)
        if key not in k_index:
            k_index[key] = len(keys)
            keys.append(key)
    shape = (len(keys), len(measures))
    num, den = np.full(shape, np.nan), np.full(shape, np.nan)
    students = np.zeros(shape)
    hidden = np.zeros(shape, dtype=bool)
    seen = np.zeros(shape, dtype=bool)
    status = rows.get("status")
    for r in range(table.num_rows):
        i, j = k_index[tuple(str(rows[d][r]) for d in dims)], m_index[rows["measure"][r]]
        if seen[i, j]:
            raise SuppressionError(f"cell {keys[i]} appears twice for measure {measures[j]!r}")
        seen[i, j] = True
        is_hidden = status is not None and status[r] == SUPPRESSED
        hidden[i, j] = is_hidden
        if not is_hidden:
            n, d = rows["numerator"][r], rows["denominator"][r]
            if n is None or d is None:
                raise SuppressionError(f"published cell {keys[i]} ({measures[j]}) has an empty number")
            num[i, j], den[i, j] = float(n), float(d)
        if "students" in rows and rows["students"][r] is not None:
            students[i, j] = float(rows["students"][r])
    if not seen.all():
        missing = np.argwhere(~seen)[0]
        raise SuppressionError(f"cell {keys[missing[0]]} has no row for measure {measures[missing[1]]!r}")
    cells = Cells(dims, keys, measures, num, den, students, hidden, proportions_of(table, proportions), [])
    cells.equations = equations(cells.dims, cells.keys, dimension_values(table, dims))
    return cells


def equations(
    dims: Sequence[str], keys: Sequence[Key], values: dict[str, list[str]]
) -> list[tuple[int, np.ndarray]]:
    """For every cell and every dimension at ``All``: (the cell, its children along that dimension)."""
    index = {k: i for i, k in enumerate(keys)}
    out: list[tuple[int, np.ndarray]] = []
    for i, key in enumerate(keys):
        for pos, dim in enumerate(dims):
            if key[pos] != TOTAL or not values[dim]:
                continue
            children = []
            for v in values[dim]:
                child = (*key[:pos], v, *key[pos + 1 :])
                if child not in index:
                    raise SuppressionError(
                        f"the table is not complete: cell {dict(zip(dims, child, strict=True))} is missing "
                        "(complete it with lattice.complete before suppressing)"
                    )
                children.append(index[child])
            out.append((i, np.asarray(children, dtype=np.int64)))
    return out
