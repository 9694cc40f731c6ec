"""Complementary suppression: hide more cells until the audit finds nothing an attacker could narrow down.

Two steps, repeated: a structural pass (no total may have exactly one hidden part — it would be the
difference of the published ones), then the audit (:mod:`.audit`); for every number it still finds exposed, one
more published cell of an equation holding it is hidden (at most one per equation and round: one partner often
protects two small cells). The partner chosen is not empty, opens as few equations with nothing hidden as
possible (so complements stay in slices already hidden), and is then the most detailed cell (fewest totals),
preferring the smallest one that holds at least the minimum — hiding it costs least and protects most. Zeros
are never chosen while anything else is available: with non-negativity a hidden zero protects nothing. When
every equation holding an exposed cell is fully hidden, the nearest published cell further out is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from .audit import AuditReport, Exposure, audit
from .cells import Cells
from .lattice import TOTAL


class Partners:
    """Which equations hold each cell, and how to pick a cell to hide next to an exposed one."""

    def __init__(self, cells: Cells, min_cell: int) -> None:
        self.cells = cells
        self.min_cell = min_cell
        self.members = [np.concatenate([[p], c]) for p, c in cells.equations]
        self.of_cell: list[list[int]] = [[] for _ in cells.keys]
        for e, members in enumerate(self.members):
            for c in members.tolist():
                self.of_cell[c].append(e)
        self.size = cells.students.max(axis=1) if cells.students.size else np.zeros(len(cells.keys))
        self.level = np.array([sum(v == TOTAL for v in k) for k in cells.keys])

    def score(self, cell: int) -> tuple[int, int, int, float]:
        """Smaller is a better partner: not empty, detailed, at least the minimum, small."""
        size = float(self.size[cell])
        return (
            int(size <= 0),
            int(self.level[cell]),
            int(size < self.min_cell),
            size if size >= self.min_cell else -size,
        )

    def opened(self, cell: int, equation: int, hide: np.ndarray) -> int:
        """How many of ``cell``'s other equations have nothing hidden yet: hiding it would leave each of them
        with one hidden cell, to be protected in turn. Preferring partners that open none keeps complements in
        the slices already hidden (the same sex, say, across a school's grades) instead of spreading them."""
        return sum(1 for e in self.of_cell[cell] if e != equation and not hide[self.members[e]].any())

    def pick(self, equation: int, hide: np.ndarray) -> int | None:
        """The best published cell of an equation, or None when all are hidden."""
        free = [int(c) for c in self.members[equation] if not hide[c]]
        if not free:
            return None
        return min(free, key=lambda c: (self.score(c)[0], self.opened(c, equation, hide), *self.score(c)[1:]))

    def nearest_published(self, cell: int, hide: np.ndarray) -> int | None:
        """The best published cell among the nearest ones linked to ``cell`` through hidden cells' equations."""
        seen = {cell}
        frontier = [cell]
        while frontier:
            found: list[int] = []
            nxt: list[int] = []
            for c in frontier:
                for e in self.of_cell[c]:
                    for m in self.members[e].tolist():
                        if m in seen:
                            continue
                        seen.add(m)
                        (nxt if hide[m] else found).append(m)
            if found:
                return min(found, key=self.score)
            frontier = nxt
        return None

    def structural(self, hide: np.ndarray) -> int:
        """Hide a partner wherever an equation has exactly one hidden cell; returns how many were added."""
        added = 0
        changed = True
        while changed:
            changed = False
            for e, members in enumerate(self.members):
                if int(hide[members].sum()) == 1:
                    partner = self.pick(e, hide)
                    if partner is not None:
                        hide[partner] = True
                        added += 1
                        changed = True
        return added

    def fix(self, exposures: Sequence[Exposure], hide: np.ndarray) -> int:
        """For each exposed number of this release, hide one more cell next to it; returns how many.

        A cell sharing an equation with a partner already added this round waits for the next round: one
        partner often protects both (two small cells of a row need one large one between them, not two).
        """
        index = self.cells.index
        dims = self.cells.dims
        added = 0
        handled: set[int] = set()
        touched: set[int] = set()  # equations that got a new hidden cell this round
        for exp in exposures:
            values = dict(exp.cell)
            key = tuple(values.get(d, TOTAL) for d in dims)
            if any(v != TOTAL for d, v in exp.cell if d not in dims):
                continue  # a cell only an earlier release has: nothing here to hide next to it
            cell = index.get(key)
            if cell is None or cell in handled:
                continue  # one partner per exposed cell and round, however many of its numbers are exposed
            handled.add(cell)
            if not hide[cell]:  # published and differs too little from an earlier release
                self._hide(cell, hide, touched)
                added += 1
                continue
            if touched.intersection(self.of_cell[cell]):
                continue
            options = [e for e in self.of_cell[cell] if self.pick(e, hide) is not None]
            partner: int | None
            if (
                not options
            ):  # every equation holding it is fully hidden: what pins it is published further out
                partner = self.nearest_published(cell, hide)
            else:
                best = min(
                    options,
                    key=lambda e: (int(hide[self.members[e]].sum()), self.score(self.pick(e, hide) or 0)),
                )
                partner = self.pick(best, hide)
            if partner is not None:
                self._hide(partner, hide, touched)
                added += 1
        return added

    def _hide(self, cell: int, hide: np.ndarray, touched: set[int]) -> None:
        hide[cell] = True
        touched.update(self.of_cell[cell])


def release_table(table: pa.Table, cells: Cells, hide: np.ndarray, decimals: int | None) -> pa.Table:
    """The table as published: numbers of hidden cells emptied, ``status`` added, ``value`` rounded last."""
    index = cells.index
    dims = cells.dims
    rows = table.to_pydict()
    n = table.num_rows
    hidden_row = [bool(hide[index[tuple(str(rows[d][r]) for d in dims)]]) for r in range(n)]

    def blank(col: str, rounding: int | None = None) -> pa.Array:
        out: list[float | None] = []
        for r in range(n):
            v = rows[col][r]
            if hidden_row[r] or v is None:
                out.append(None)
            else:
                out.append(round(float(v), rounding) if rounding is not None else float(v))
        return pa.array(out, pa.float64())

    cols: dict[str, pa.Array] = {d: pa.array(rows[d], pa.string()) for d in dims}
    cols["measure"] = pa.array(rows["measure"], pa.string())
    cols["numerator"] = blank("numerator")
    cols["denominator"] = blank("denominator")
    cols["value"] = blank("value", decimals)
    cols["status"] = pa.array(["suppressed" if h else "published" for h in hidden_row], pa.string())
    return pa.table(cols).replace_schema_metadata(table.schema.metadata)


def complementary(
    table: pa.Table,
    cells: Cells,
    hide: np.ndarray,
    min_cell: int,
    earlier: Sequence[pa.Table],
    decimals: int | None,
    max_rounds: int = 200,
) -> tuple[pa.Table, AuditReport, int]:
    """Hide partners until the audit passes: (release, its passing report, rounds), or the last failing report."""
    partners = Partners(cells, min_cell)
    report = AuditReport(min_cell=min_cell)
    release = release_table(table, cells, hide, decimals)
    proportions = sorted(cells.proportions)
    for rounds in range(1, max_rounds + 1):
        partners.structural(hide)
        release = release_table(table, cells, hide, decimals)
        # the quick pass (propagation only) first; the full LP audit only once the quick pass finds nothing
        report = audit(release, min_cell, earlier, proportions, use_lp=False)
        if report.passed:
            report = audit(release, min_cell, earlier, proportions, witness=table)
        if report.passed or partners.fix(report.exposures, hide) == 0:
            return release, report, rounds
    return release, report, max_rounds
