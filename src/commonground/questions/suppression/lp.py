"""Feasible ranges of hidden cells by linear programming (HiGHS), one measure and one component at a time.

The attacker's knowledge is a system of linear equations — every published total equals the sum of its
published and hidden parts — plus non-negativity and, for proportions, numerator ≤ denominator. For every
hidden number (numerator, denominator and, for proportions, their difference) the range the system allows is
[min, max] of a linear program (the integer problem relaxed, which can only widen ranges slightly; a width
below the minimum here is a width below it for the integer problem too, so no risk is missed).

Only widths below the minimum cell size matter, and the audit stays exact while skipping most LPs:

1. the system splits into independent components (no equation links them), each solved on its own;
2. propagation (:mod:`.bounds`) gives outer bounds — a width below the minimum there is certainly narrow;
3. **feasible points certify**: every solution of the system (the true table, and the optimum of any objective)
   is a value for every hidden number at once. A number whose values over the points seen so far differ by at
   least the minimum has a feasible range at least that wide — proven, no LP of its own needed. The points
   (:mod:`.certify`): the true table when the caller has it, LPs that move only numerators or only
   denominators around it, small cells' denominators and then numerators raised in groups, and random
   objective directions on the whole system;
4. each number still uncertified gets its exact minimum and, if still needed, maximum; every one of those
   solutions again updates every number's observed range. A number is reported narrow only when both its
   exact minimum and maximum are solved (or propagation alone proves it).

One model per component is built once and re-solved with a new objective (:mod:`.highs`, warm starts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .bounds import propagate
from .certify import FEW, Component, decoupled, random_directions
from .highs import Outcome

QUANTITIES = ("numerator", "denominator", "complement")
_TOL = 1e-6


@dataclass
class System:
    """One measure's knowledge: ``a @ x = b`` over hidden numerators x[:v] and denominators x[v:]."""

    variables: int
    rows: list[tuple[np.ndarray, np.ndarray, float, float]]  # (var idx, coefficients, b_num, b_den)
    proportion: bool


@dataclass
class Ranges:
    """Per variable and quantity (numerator, denominator, complement): low, high, and whether it was decided.

    A narrow range is exact (both ends solved) or propagation's outer bounds; a wide one is the span of the
    feasible points seen, a lower bound of its true width (enough to prove it at least the minimum).
    """

    low: np.ndarray  # (variables, 3)
    high: np.ndarray
    exact: np.ndarray


def solve_ranges(
    system: System, min_cell: float, exact: bool = False, use_lp: bool = True, point: np.ndarray | None = None
) -> Ranges:
    """The feasible range of every hidden number; exact wherever the width is below ``min_cell``.

    Propagation (:mod:`.bounds`) first gives outer bounds: a width below ``min_cell`` there is an exposure for
    certain. With ``use_lp`` the rest are shown wide enough by LP witnesses (or found narrow by exact solves);
    without it they count as safe (the quick pass complementary suppression iterates with before the audit).
    With ``exact=True`` every range is solved exactly by its own two LPs (the plain audit; slower, for reports
    and tests). ``point`` (variables × 2: numerator, denominator) is a known solution of the system — the true
    values, when the caller has them; it is one more feasible point (used only if it solves the system), it
    never decides that a range is narrow.
    """
    v = system.variables
    low, high = np.full((v, 3), np.inf), np.full((v, 3), -np.inf)
    done = np.zeros((v, 3), dtype=bool)
    outer_low, outer_high = _outer(system)
    for comp in _components(system):
        if not use_lp:
            continue
        _solve_component(system, comp, min_cell, exact, low, high, done, outer_low, outer_high, point)
    if not use_lp:
        low, high = outer_low, outer_high
    if not system.proportion:
        low[:, 2], high[:, 2], done[:, 2] = 0.0, np.inf, True  # no complement for ratios
    return Ranges(low, high, done)


def _outer(system: System) -> tuple[np.ndarray, np.ndarray]:
    """Outer bounds of numerator, denominator and complement by propagation (with numerator ≤ denominator)."""
    v = system.variables
    empty = np.zeros(0)
    rr = np.concatenate([empty, *(np.full(idx.size, r) for r, (idx, _c, _n, _d) in enumerate(system.rows))])
    cc = np.concatenate([empty, *(idx for idx, _c, _n, _d in system.rows)]).astype(np.int64)
    co = np.concatenate([empty, *(c for _i, c, _n, _d in system.rows)])
    rr = rr.astype(np.int64)
    b_num = np.array([bn for _i, _c, bn, _d in system.rows])
    b_den = np.array([bd for _i, _c, _n, bd in system.rows])
    lo_n, hi_n = propagate(v, rr, cc, co, b_num)
    lo_d, hi_d = propagate(v, rr, cc, co, b_den)
    if system.proportion:
        for _ in range(
            3
        ):  # numerator ≤ denominator tightens both; a few rounds reach a fixed point in practice
            hi_n = np.minimum(hi_n, hi_d)
            lo_d = np.maximum(lo_d, lo_n)
            lo_n, hi_n = propagate(v, rr, cc, co, b_num, low=lo_n, high=hi_n)
            lo_d, hi_d = propagate(v, rr, cc, co, b_den, low=lo_d, high=hi_d)
    lo_c, hi_c = np.maximum(lo_d - hi_n, 0.0), hi_d - lo_n
    return np.stack([lo_n, lo_d, lo_c], axis=1), np.stack([hi_n, hi_d, hi_c], axis=1)


def _components(system: System) -> list[np.ndarray]:
    v = system.variables
    if v == 0:
        return []
    src, dst = [], []
    for idx, _coef, _bn, _bd in system.rows:
        if idx.size > 1:
            src += [idx[0]] * (idx.size - 1)
            dst += idx[1:].tolist()
    graph = sparse.coo_matrix((np.ones(len(src)), (src, dst)), shape=(v, v))
    n, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.cumsum(np.bincount(labels, minlength=n))[:-1])


def _solve_component(
    system: System, comp: np.ndarray, min_cell: float, exact: bool,
    low: np.ndarray, high: np.ndarray, done: np.ndarray, outer_low: np.ndarray, outer_high: np.ndarray,
    point: np.ndarray | None = None,
) -> None:  # fmt: skip
    cp = Component(system, comp, min_cell)
    fin = done[comp].copy()
    if not system.proportion:
        fin[:, 2] = True
    o_lo, o_hi = outer_low[comp], outer_high[comp]
    certain = np.zeros_like(fin)
    if not exact:  # narrow even by propagation: certainly exposed, report the outer bounds
        certain = (o_hi - o_lo < min_cell - _TOL) & ~fin
        fin |= certain
    start = None
    if point is not None and cp.solves_system(point[comp, 0], point[comp, 1]):
        start = point[comp, 0], point[comp, 1]
        cp.record(*start)
    elif not exact and cp.v > FEW and np.any(~fin):  # no known solution: any vertex will do as a centre
        start = cp.any_solution()
    if start is not None and not exact:
        decoupled(cp, start[0], start[1], fin)
    if not exact:
        random_directions(cp, fin)
    for i, q in np.argwhere(~fin).tolist():
        if not exact and not cp.narrow()[i, q]:
            continue  # certified wide by the points seen since this loop began
        cp.solve(cp.target(i, q))  # the exact minimum
        # then the exact maximum, unless the minimum's solution already shows the range wide enough
        if (exact or cp.narrow()[i, q]) and cp.solve(-cp.target(i, q)) is Outcome.UNBOUNDED:
            cp.hi[i, q] = np.inf
        fin[i, q] = True
    lo = np.where(certain, o_lo, cp.lo)
    hi = np.where(certain, o_hi, cp.hi)
    low[comp], high[comp], done[comp] = lo, hi, fin
