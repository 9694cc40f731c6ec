"""Feasible ranges of hidden cells by linear programming (HiGHS through scipy), one measure at a time.

The attacker's knowledge is a system of linear equations — every published total equals the sum of its
published and hidden parts — plus non-negativity and, for proportions, numerator ≤ denominator. For every
hidden number (numerator, denominator and, for proportions, their difference) the range the system allows is
[min, max] of a linear program (the integer problem relaxed, which can only widen ranges slightly; a width
below the minimum here is a width below it for the integer problem too, so no risk is missed).

Only widths below the minimum cell size matter, so the solver first collects witness solutions (every solution
gives a value for every hidden number at once) and solves exactly only for numbers not yet shown to vary enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from .bounds import propagate
from .errors import SuppressionError

QUANTITIES = ("numerator", "denominator", "complement")
_TOL = 1e-6
#: Group-witness solves per component before solving number by number.
WITNESS_SOLVES = 16
#: Solves per component in all; a number still unverified after them counts as exposed (refusing is safe).
EXACT_BUDGET = 60
#: Components up to this many hidden cells are always solved to the end (their LPs take milliseconds).
SMALL_COMPONENT = 200
#: Pairs of random-sign solves in the cheap witness search.
WITNESS_PAIRS = 8


@dataclass
class System:
    """One measure's knowledge: ``a @ x = b`` over hidden numerators x[:v] and denominators x[v:]."""

    variables: int
    rows: list[tuple[np.ndarray, np.ndarray, float, float]]  # (var idx, coefficients, b_num, b_den)
    proportion: bool


@dataclass
class Ranges:
    """Per variable and quantity (numerator, denominator, complement): low, high, and whether both are exact."""

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
    With ``exact=True`` every range is solved exactly (slower; for reports and tests). ``point`` (variables × 2:
    numerator, denominator) is a known solution of the system — the true values, when the caller has them; it
    only speeds up finding witnesses (see :func:`_decoupled_witnesses`), it never decides a range.
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
    v = comp.size
    local = {int(g): i for i, g in enumerate(comp)}
    data: list[float] = []
    rr: list[int] = []
    cc: list[int] = []
    b_num: list[float] = []
    b_den: list[float] = []
    member = set(local)
    for idx, coef, bn, bd in system.rows:
        if int(idx[0]) not in member:
            continue
        r = len(b_num)
        for g, c in zip(idx.tolist(), coef.tolist(), strict=True):
            rr.append(r)
            cc.append(local[g])
            data.append(c)
        b_num.append(bn)
        b_den.append(bd)
    e = len(b_num)
    block = sparse.csr_matrix((data, (rr, cc)), shape=(e, v))
    a_eq = sparse.block_diag([block, block], format="csr")
    b_eq = np.concatenate([b_num, b_den])
    a_ub = b_ub = None
    if system.proportion:
        a_ub = sparse.hstack([sparse.identity(v), -sparse.identity(v)], format="csr")
        b_ub = np.zeros(v)
    lo, hi = low[comp], high[comp]
    fin = done[comp]
    o_lo, o_hi = outer_low[comp], outer_high[comp]
    if not system.proportion:
        fin[:, 2] = True
    if not exact:  # narrow even by propagation: certainly exposed, report the outer bounds
        narrow = (o_hi - o_lo < min_cell - _TOL) & ~fin
        lo[narrow], hi[narrow], fin[narrow] = o_lo[narrow], o_hi[narrow], True

    def run(c: np.ndarray) -> bool:
        """Solve min c·x; record the solution as a witness. False when unbounded."""
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if res.status == 2:
            raise SuppressionError(
                "the published cells contradict each other: some total is not the sum of its parts"
            )
        if res.status == 3:  # unbounded: nothing published bounds this number from above (ratio measures)
            return False
        if res.status != 0:
            raise SuppressionError(f"the audit's linear program failed: {res.message}")
        x = res.x
        vals = np.stack([x[:v], x[v:], x[v:] - x[:v]], axis=1)
        np.minimum(lo, vals, out=lo)
        np.maximum(hi, vals, out=hi)
        return True

    def target(i: int, q: int) -> np.ndarray:
        c = np.zeros(2 * v)
        if q != 1:
            c[i] = 1.0 if q == 0 else -1.0
        if q != 0:
            c[v + i] = 1.0
        return c

    def pending() -> np.ndarray:
        return ~fin & (exact | (hi - lo < min_cell - _TOL))

    if point is not None and not exact:
        _decoupled_witnesses(block, np.asarray(b_num), np.asarray(b_den), point[comp], system.proportion,
                             min_cell, lo, hi, fin)  # fmt: skip
    # Group witnesses: push every pending number of one kind down together, then up together; the two
    # solutions show most of them varying widely at once. Then the rest in 2, 4, 8… random groups.
    rng = np.random.default_rng(0)
    solves, parts = 0, 1
    while solves < WITNESS_SOLVES:
        todo = pending()
        if todo.sum() <= 1:
            break
        for q in range(3):
            members = rng.permutation(np.argwhere(todo[:, q]).ravel())
            for group in np.array_split(members, min(parts, max(members.size, 1))):
                if group.size == 0 or solves >= WITNESS_SOLVES:
                    continue
                c = np.zeros(2 * v)
                for i in group.tolist():
                    c += target(i, q)
                run(c)
                run(-c)
                solves += 2
        parts *= 2
    for i, q in np.argwhere(pending()).tolist():
        if fin[i, q] or (not exact and hi[i, q] - lo[i, q] >= min_cell - _TOL):
            continue
        if not exact and v > SMALL_COMPONENT and solves >= EXACT_BUDGET:
            continue  # left unverified: reported with its witnessed (narrow) range, so counted as exposed
        solves += 2
        run(target(i, q))  # the exact minimum
        if exact or hi[i, q] - lo[i, q] < min_cell - _TOL:
            if not run(-target(i, q)):  # the exact maximum
                hi[i, q] = np.inf
            fin[i, q] = True
    low[comp], high[comp], done[comp] = lo, hi, fin


def _decoupled_witnesses(
    block: sparse.csr_matrix, b_num: np.ndarray, b_den: np.ndarray, point: np.ndarray, proportion: bool,
    min_cell: float, lo: np.ndarray, hi: np.ndarray, fin: np.ndarray,
) -> None:  # fmt: skip
    """Cheap witnesses from a known solution: vary denominators with numerators held at the known point, and
    numerators beneath a fixed set of denominators. Each (numerators, denominators) pair recorded solves the full
    system, so the spread it shows is real; the separate LPs are several times faster than the coupled one.
    """
    v = block.shape[1]
    t_num, t_den = point[:, 0], point[:, 1]
    if (
        np.abs(block @ t_num - b_num).max(initial=0) > 1e-6
        or np.abs(block @ t_den - b_den).max(initial=0) > 1e-6
    ):
        return  # not a solution of this system: of no use as a witness

    def record(num: np.ndarray, den: np.ndarray) -> None:
        vals = np.stack([num, den, den - num], axis=1)
        np.minimum(lo, vals, out=lo)
        np.maximum(hi, vals, out=hi)

    def solve(c: np.ndarray, b: np.ndarray, bounds: list[tuple[float, float]]) -> np.ndarray | None:
        res = linprog(c, A_eq=block, b_eq=b, bounds=bounds, method="highs")
        return res.x if res.status == 0 else None

    # Denominators are capped a little above the known point so every LP stays bounded.
    cap = t_den + 10 * min_cell
    record(t_num, t_den)
    # Random signs: push each pending number's denominator and numerator the same way (the numerator beneath the
    # denominator just found), then all the other way; a few pairs show most numbers' spread at once, numbers of
    # one equation moving against each other.
    rng = np.random.default_rng(1)
    den_low = t_num if proportion else np.zeros(v)
    for _pair in range(WITNESS_PAIRS):
        todo = ~fin & (hi - lo < min_cell - _TOL)
        if not todo.any():
            return
        signs = rng.choice([-1.0, 1.0], size=v) * todo.any(axis=1)
        for sign in (1.0, -1.0):
            den = solve(-sign * signs, b_den, list(zip(den_low, cap, strict=True)))
            den = t_den if den is None else den
            bounds = list(zip(np.zeros(v), den if proportion else np.full(v, np.inf), strict=True))
            x = solve(-sign * signs, b_num, bounds)
            record(t_num if x is None else x, den)
    # What is still pending, in groups that share no equation (a greedy colouring of their conflict graph):
    # pushing a whole group up (or down) at once then meets no conflict inside the group.
    todo = ~fin & (hi - lo < min_cell - _TOL)
    for group in _independent_groups(block, np.argwhere(todo.any(axis=1)).ravel()):
        c = np.zeros(v)
        c[group] = 1.0
        for sign in (1.0, -1.0):
            den = solve(-sign * c, b_den, list(zip(den_low, cap, strict=True)))
            den = t_den if den is None else den
            bounds = list(zip(np.zeros(v), den if proportion else np.full(v, np.inf), strict=True))
            x = solve(-sign * c, b_num, bounds)
            record(t_num if x is None else x, den)


def _independent_groups(block: sparse.csr_matrix, members: np.ndarray) -> list[np.ndarray]:
    """``members`` split into groups of variables no two of which appear in the same equation."""
    if members.size == 0:
        return []
    sub = block[:, members].tocsc()
    conflict = (sub.T @ sub).tocsr()
    colour = np.full(members.size, -1)
    for i in np.argsort(-np.diff(conflict.indptr), kind="stable"):
        taken = set(colour[conflict.indices[conflict.indptr[i] : conflict.indptr[i + 1]]].tolist())
        c = 0
        while c in taken:
            c += 1
        colour[i] = c
    return [members[colour == c] for c in range(colour.max() + 1)]
