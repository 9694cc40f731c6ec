"""The release audit: what could an attacker infer about each hidden cell from everything published?

Independent of how cells were chosen for suppression, it reads only what is (or would be) published — this
release and the earlier releases of the same question — and:

1. merges every earlier release computed from the same data (all cells both publish agree) into one system:
   the same cell is the same unknown, and each release's totals equal the sums of its own parts (if merging
   contradicts this release, the data changed only in hidden cells, and the release is compared as in 3.);
2. computes, per measure, the feasible range of every hidden numerator, denominator and (for proportions) their
   difference by linear programming (:mod:`.lp`), and flags any range narrower than the minimum cell size —
   a pinned cell has width 0;
3. for earlier releases of changed data (a student more or less), flags every cell published in both whose
   numbers differ by fewer than the minimum: the difference describes fewer students than the minimum.

:func:`audit` returns the findings; :func:`check_release` refuses (``DisclosureRisk``) when there are any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .cells import Cells, Key, from_table
from .errors import DisclosureRisk, SuppressionError, check_min_cell
from .lattice import TOTAL
from .lp import QUANTITIES, Ranges, System, solve_ranges

_TOL = 1e-6


@dataclass(frozen=True)
class Exposure:
    """One number that could be inferred too closely: which cell, which quantity, the range, and why."""

    cell: tuple[tuple[str, str], ...]
    measure: str
    quantity: str
    low: float
    high: float
    reason: str  # "range" (narrow feasible range) or "difference" (differs from an earlier release)
    release: str = "this release"

    def describe(self) -> str:
        """One line for a steward."""
        where = ", ".join(f"{d}={v}" for d, v in self.cell if v != TOTAL) or "grand total"
        if self.reason == "difference":
            return (
                f"{where} · {self.measure} · {self.quantity}: differs from {self.release} by "
                f"{self.high - self.low:g}, fewer than the minimum cell size"
            )
        return (
            f"{where} · {self.measure} · {self.quantity} ({self.release}): could be narrowed to "
            f"[{self.low:g}, {self.high:g}] (width {self.high - self.low:g})"
        )


@dataclass
class AuditReport:
    """The audit's findings: ``exposures`` (empty when the release is safe) and how much was checked."""

    min_cell: int
    hidden_numbers: int = 0
    exposures: list[Exposure] = field(default_factory=list)
    merged_releases: int = 0
    differenced_releases: int = 0
    #: measure → cell key (over all dimensions) → ((low, high) per numerator, denominator, complement)
    ranges: dict[str, dict[Key, tuple[tuple[float, float], ...]]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when nothing hidden can be narrowed below the minimum cell size."""
        return not self.exposures


def audit(
    release: pa.Table,
    min_cell: int,
    earlier: Sequence[pa.Table] = (),
    proportions: Sequence[str] | None = None,
    *,
    exact: bool = False,
    use_lp: bool = True,
    witness: pa.Table | None = None,
) -> AuditReport:
    """Audit a release table (``status`` column, hidden numbers empty) against itself and earlier releases.

    With ``exact=True`` every hidden number's range is solved exactly (slower); by default a range is only
    solved until it is shown to be at least the minimum wide. ``use_lp=False`` is the quick pass complementary
    suppression iterates with: only exposures that propagation alone proves (never a release gate).
    ``witness`` (the computed table the release came from) only speeds the search for wide ranges: it is used
    where it solves the published system and never decides that a range is narrow or safe by itself.
    """
    min_cell = check_min_cell(min_cell)
    current = from_table(release, proportions)
    olds = [from_table(t, proportions if proportions is not None else None) for t in earlier]
    for old in olds:
        old.proportions = old.proportions | current.proportions
    dims = tuple(dict.fromkeys([*current.dims, *(d for o in olds for d in o.dims)]))
    same = [_same_data(current, old, dims) for old in olds]
    truth = from_table(witness, proportions) if witness is not None else None
    try:
        return _audit(current, olds, same, dims, min_cell, exact, use_lp, truth)
    except SuppressionError:
        if not any(same):
            raise
        # An earlier release agreed on every number both publish, but merging it contradicts this release:
        # the data changed only in cells this release hides. Compare it by differences instead.
        return _audit(current, olds, [False] * len(olds), dims, min_cell, exact, use_lp, truth)


def _audit(
    current: Cells,
    olds: list[Cells],
    same: list[bool],
    dims: tuple[str, ...],
    min_cell: int,
    exact: bool,
    use_lp: bool,
    truth: Cells | None = None,
) -> AuditReport:
    report = AuditReport(min_cell=min_cell)
    merged: list[tuple[str, Cells]] = [("this release", current)]
    for n, (old, is_same) in enumerate(zip(olds, same, strict=True), start=1):
        label = f"earlier release #{n}"
        if is_same:
            merged.append((label, old))
            report.merged_releases += 1
        else:
            report.differenced_releases += 1
            report.exposures += _differences(current, old, dims, min_cell, label)
    measures = list(dict.fromkeys(m for _, c in merged for m in c.measures))
    for measure in measures:
        report.exposures += _measure_ranges(merged, dims, measure, min_cell, report, exact, use_lp, truth)
    return report


def check_release(
    release: pa.Table,
    min_cell: int,
    earlier: Sequence[pa.Table] = (),
    proportions: Sequence[str] | None = None,
) -> AuditReport:
    """The release gate: the audit report, or ``DisclosureRisk`` listing every exposed cell."""
    report = audit(release, min_cell, earlier, proportions)
    if not report.passed:
        raise DisclosureRisk(
            f"release refused: {len(report.exposures)} hidden number(s) could be inferred within fewer than "
            f"{min_cell}",
            report.exposures,
        )
    return report


def _lift(cells: Cells, dims: tuple[str, ...]) -> list[Key]:
    """Each cell's key over the union of dimensions (a dimension the table lacks is a total)."""
    pos = {d: i for i, d in enumerate(cells.dims)}
    return [tuple(k[pos[d]] if d in pos else TOTAL for d in dims) for k in cells.keys]


def _common(a: Cells, b: Cells, dims: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """(cell in a, cell in b, measure in a, measure in b) for entries published in both."""
    b_index = {k: i for i, k in enumerate(_lift(b, dims))}
    b_measure = {m: j for j, m in enumerate(b.measures)}
    out = []
    for ia, key in enumerate(_lift(a, dims)):
        ib = b_index.get(key)
        if ib is None:
            continue
        for ja, m in enumerate(a.measures):
            jb = b_measure.get(m)
            if jb is not None and not a.hidden[ia, ja] and not b.hidden[ib, jb]:
                out.append((ia, ib, ja, jb))
    return out


def _same_data(a: Cells, b: Cells, dims: tuple[str, ...]) -> bool:
    """True when every number published by both releases agrees (then they describe the same students)."""
    return all(
        abs(a.num[ia, ja] - b.num[ib, jb]) <= _TOL and abs(a.den[ia, ja] - b.den[ib, jb]) <= _TOL
        for ia, ib, ja, jb in _common(a, b, dims)
    )


def _differences(a: Cells, b: Cells, dims: tuple[str, ...], min_cell: int, label: str) -> list[Exposure]:
    """Cells published in both releases whose difference describes fewer students than the minimum."""
    out = []
    for ia, ib, ja, _jb in _common(a, b, dims):
        measure = a.measures[ja]
        pairs = [("numerator", a.num[ia, ja], b.num[ib, _jb]), ("denominator", a.den[ia, ja], b.den[ib, _jb])]
        if measure in a.proportions:
            pairs.append(("complement", a.den[ia, ja] - a.num[ia, ja], b.den[ib, _jb] - b.num[ib, _jb]))
        for quantity, new, old in pairs:
            if _TOL < abs(new - old) < min_cell - _TOL:
                cell = tuple(zip(a.dims, a.keys[ia], strict=True))
                out.append(
                    Exposure(cell, measure, quantity, min(new, old), max(new, old), "difference", label)
                )
    return out


def _measure_ranges(
    merged: list[tuple[str, Cells]],
    dims: tuple[str, ...],
    measure: str,
    min_cell: int,
    report: AuditReport,
    exact: bool,
    use_lp: bool,
    truth: Cells | None = None,
) -> list[Exposure]:
    """Feasible ranges of one measure's hidden numbers over all merged releases."""
    known: dict[Key, tuple[float, float]] = {}
    unknown: dict[Key, str] = {}
    lifted: list[tuple[str, Cells, int, list[Key]]] = []
    for label, cells in merged:
        if measure not in cells.measures:
            continue
        j = cells.measures.index(measure)
        keys = _lift(cells, dims)
        lifted.append((label, cells, j, keys))
        for i, key in enumerate(keys):
            if not cells.hidden[i, j]:
                known[key] = (cells.num[i, j], cells.den[i, j])
    for label, cells, j, keys in lifted:
        for i, key in enumerate(keys):
            if cells.hidden[i, j] and key not in known:
                unknown.setdefault(key, label)
    if not unknown:
        return []
    var = {k: n for n, k in enumerate(unknown)}
    rows = []
    for _label, cells, _j, keys in lifted:
        for parent, children in cells.equations:
            members = [(keys[parent], -1.0), *((keys[c], 1.0) for c in children)]
            idx = [var[k] for k, _ in members if k in var]
            if not idx:
                continue
            coef = [c for k, c in members if k in var]
            b_num = -sum(c * known[k][0] for k, c in members if k not in var)
            b_den = -sum(c * known[k][1] for k, c in members if k not in var)
            rows.append((np.asarray(idx), np.asarray(coef), b_num, b_den))
    proportion = any(measure in cells.proportions for _, cells, _, _ in lifted)
    system = System(variables=len(var), rows=rows, proportion=proportion)
    point = None
    if truth is not None and measure in truth.measures:
        j = truth.measures.index(measure)
        at = {k: i for i, k in enumerate(_lift(truth, dims))}
        if all(k in at for k in var):
            point = np.array([[truth.num[at[k], j], truth.den[at[k], j]] for k in var])
    ranges = solve_ranges(system, float(min_cell), exact, use_lp, point)
    lows, highs = ranges.low.tolist(), ranges.high.tolist()  # plain floats, once (thousands of cells)
    report.ranges[measure] = {key: tuple(zip(lows[n], highs[n], strict=True)) for key, n in var.items()}
    report.hidden_numbers += len(var) * (3 if proportion else 2)
    out = []
    for key, n in var.items():
        for q, quantity in enumerate(QUANTITIES):
            if q == 2 and not proportion:
                continue
            low, high = lows[n][q], highs[n][q]
            if high - low < min_cell - _TOL:
                out.append(Exposure(tuple(zip(dims, key, strict=True)), measure, quantity, low, high, "range",
                                    unknown[key]))  # fmt: skip
    return out


def ranges_row(ranges: Ranges, n: int) -> tuple[tuple[float, float], ...]:
    """One variable's (low, high) per quantity; a range not solved exactly is a witnessed lower bound of its width."""
    return tuple((float(ranges.low[n, q]), float(ranges.high[n, q])) for q in range(len(QUANTITIES)))
