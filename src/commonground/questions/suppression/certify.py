"""Feasible points that prove hidden numbers' ranges wide, so that few of them need an LP of their own.

Every solution of the attacker's system is a value for every hidden number at once; a number whose values over
the solutions seen differ by at least the minimum cell size has a feasible range at least that wide. The
searches here only *find* solutions (each checked by the LP it came from); they never decide that a range is
narrow — that takes the exact minimum and maximum in :mod:`.lp`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from .errors import SuppressionError
from .highs import LinearProgram, Outcome

if TYPE_CHECKING:
    from .lp import System

_TOL = 1e-6
#: Most pairs of random-direction solves per component (fewer when a pair certifies too few new numbers).
RANDOM_PAIRS = 24
#: Below this many uncertified numbers, each gets its own LPs straight away.
FEW = 100


class Component:
    """The LP of one component and the range of values seen so far for each of its hidden numbers."""

    def __init__(self, system: System, comp: np.ndarray, min_cell: float) -> None:
        v = self.v = comp.size
        self.min_cell = min_cell
        self.proportion = system.proportion
        local = {int(g): i for i, g in enumerate(comp)}
        data: list[float] = []
        rr: list[int] = []
        cc: list[int] = []
        b_num: list[float] = []
        b_den: list[float] = []
        for idx, coef, bn, bd in system.rows:
            if int(idx[0]) not in local:
                continue
            r = len(b_num)
            for g, c in zip(idx.tolist(), coef.tolist(), strict=True):
                rr.append(r)
                cc.append(local[g])
                data.append(c)
            b_num.append(bn)
            b_den.append(bd)
        self.block = sparse.csr_matrix((data, (rr, cc)), shape=(len(b_num), v))
        self.b_num, self.b_den = np.asarray(b_num), np.asarray(b_den)
        a_eq = sparse.block_diag([self.block, self.block], format="csr")
        a_ub = b_ub = None
        if system.proportion:  # numerator − denominator ≤ 0
            a_ub = sparse.hstack([sparse.identity(v), -sparse.identity(v)], format="csr")
            b_ub = np.zeros(v)
        self.lp = LinearProgram(
            a_eq, np.concatenate([self.b_num, self.b_den]), a_ub, b_ub, np.full(2 * v, np.inf)
        )
        self.lo, self.hi = np.full((v, 3), np.inf), np.full((v, 3), -np.inf)
        self.last = np.zeros(2 * v)  # the latest solution found

    def record(self, num: np.ndarray, den: np.ndarray) -> None:
        """A feasible point: widen every number's observed range to include it."""
        vals = np.stack([num, den, den - num], axis=1)
        np.minimum(self.lo, vals, out=self.lo)
        np.maximum(self.hi, vals, out=self.hi)

    def solves_system(self, num: np.ndarray, den: np.ndarray) -> bool:
        """True when (num, den) satisfies every equation, non-negativity and numerator ≤ denominator."""
        ok = bool(
            np.abs(self.block @ num - self.b_num).max(initial=0) <= 1e-6
            and np.abs(self.block @ den - self.b_den).max(initial=0) <= 1e-6
            and min(num.min(initial=0), den.min(initial=0)) >= -1e-9
        )
        return ok and (not self.proportion or bool(np.all(num <= den + 1e-9)))

    def solve(self, c: np.ndarray) -> Outcome:
        """Minimize ``c`` over (numerators, denominators); an optimum is recorded as a feasible point."""
        try:
            outcome, x = self.lp.minimize(c)
        except RuntimeError as err:
            raise SuppressionError(str(err)) from err
        if outcome is Outcome.INFEASIBLE:
            raise SuppressionError(
                "the published cells contradict each other: some total is not the sum of its parts"
            )
        if x is not None:
            self.last = x
            self.record(x[: self.v], x[self.v :])
        return outcome

    def any_solution(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Some solution of the system (a vertex: the optimum of a zero objective), recorded; None if unbounded."""
        if self.solve(np.zeros(2 * self.v)) is not Outcome.OPTIMAL:
            return None
        x = self.last
        return x[: self.v], x[self.v :]

    def target(self, i: int, q: int) -> np.ndarray:
        """The objective whose minimum is number ``i``'s quantity ``q`` (numerator, denominator, complement)."""
        c = np.zeros(2 * self.v)
        if q != 1:
            c[i] = 1.0 if q == 0 else -1.0
        if q != 0:
            c[self.v + i] = 1.0
        return c

    def narrow(self) -> np.ndarray:
        """(v, 3): True where the values seen so far span less than the minimum."""
        return np.asarray(self.hi - self.lo < self.min_cell - _TOL)


def random_directions(cp: Component, fin: np.ndarray) -> None:
    """Feasible points from random objectives: each uncertified number pushed up or down at random, then the
    other way. A pair certifies most numbers of a component at once; stop when a pair certifies too few."""
    v = cp.v
    # Cap every number (a solution under the cap is still a solution): random objectives then stay bounded.
    scale = max(np.abs(cp.b_num).max(initial=0), np.abs(cp.b_den).max(initial=0), cp.hi.max(initial=0), 1.0)
    cp.lp.set_upper(np.full(2 * v, 2 * scale + 10 * cp.min_cell))
    rng = np.random.default_rng(0)
    try:
        for _pair in range(RANDOM_PAIRS):
            todo = ~fin & cp.narrow()
            before = int(todo.sum())
            if before < FEW:
                return  # a few numbers: their own LPs cost less than more random points
            cells = todo.any(axis=1)
            c = rng.choice([-1.0, 1.0], size=2 * v) * np.concatenate([cells, cells])
            for sign in (1.0, -1.0):
                if cp.solve(sign * c) is Outcome.INFEASIBLE:  # pragma: no cover - solve raises first
                    return
            if before - int((~fin & cp.narrow()).sum()) < max(2, before // 50):
                return  # diminishing returns: the rest get their own LPs
    except SuppressionError:
        # the cap itself made the system infeasible (no point given, huge hidden totals): go on without it
        pass
    finally:
        cp.lp.set_upper(np.full(2 * v, np.inf))


def decoupled(cp: Component, t_num: np.ndarray, t_den: np.ndarray, fin: np.ndarray) -> None:
    """Cheap feasible points from a known solution (the true table): numerators moved beneath the known
    denominators, or denominators moved above the known numerators. Either pair solves the full system, so the
    spread it shows is real; the two LPs have half the columns and no coupling rows, and solve several times
    faster than the joint one. Random directions first, then small cells' numerators raised (see
    :func:`_raise_together`)."""
    v = cp.v
    cap = t_den + max(10 * cp.min_cell, float(t_den.max(initial=0)))  # any cap ≥ the point keeps LPs bounded
    nums = LinearProgram(cp.block, cp.b_num, None, None, t_den if cp.proportion else t_num + cap)
    dens = LinearProgram(cp.block, cp.b_den, None, None, cap, t_num if cp.proportion else None)

    def push(c: np.ndarray, which: int) -> None:
        if which != 1:
            _, x = nums.minimize(c)
            if x is not None:
                cp.record(x, t_den)
        if which != 0:
            _, x = dens.minimize(c)
            if x is not None:
                cp.record(t_num, x)

    rng = np.random.default_rng(1)
    for _pair in range(RANDOM_PAIRS):
        todo = ~fin & cp.narrow()
        before = int(todo.sum())
        if before == 0:
            return
        c = rng.choice([-1.0, 1.0], size=v) * todo.any(axis=1)
        push(c, 2)
        push(-c, 2)
        if before - int((~fin & cp.narrow()).sum()) < max(2, before // 20):
            break
    if cp.proportion:  # groups of small cells first, then what is left of the numerators one cell at a time
        _raise_together(cp, nums, dens, t_den, fin)
        for i in np.flatnonzero((~fin & cp.narrow())[:, 0]):
            _raise_together(cp, nums, dens, t_den, fin, np.array([i]))


def _raise_together(
    cp: Component,
    nums: LinearProgram,
    dens: LinearProgram,
    t_den: np.ndarray,
    fin: np.ndarray,
    only: np.ndarray | None = None,
) -> None:
    """Small cells' numerators can only grow if their denominators grow first: raise the denominators of a group
    of uncertified cells that share no equation, then their numerators beneath those denominators."""
    rng = np.random.default_rng(2)
    try:
        for _round in range(10 if only is None else 1):  # again over what is left, in a new order
            todo = ~fin & cp.narrow()
            before = int(todo.sum())
            members = rng.permutation(np.flatnonzero(todo.any(axis=1)))
            if only is not None:
                groups = [only]
            elif _round < 2:  # many cells left: big random groups certify the most per solve
                groups = np.array_split(members, 8)
            else:  # the rest in groups that share no equation, so they do not compete
                groups = _independent_groups(cp.block, members)
            for group in groups:
                c = np.zeros(cp.v)
                c[group] = -1.0
                _, den = dens.minimize(c)
                if den is None:
                    continue
                nums.set_upper(den)
                _, num = nums.minimize(c)
                if num is not None:
                    cp.record(num, den)
            if before - int((~fin & cp.narrow()).sum()) < max(2, before // 20):
                break
    finally:
        nums.set_upper(t_den)


def _independent_groups(block: sparse.csr_matrix, members: np.ndarray) -> list[np.ndarray]:
    """``members`` split into groups of variables no two of which appear in the same equation."""
    if members.size == 0:
        return []
    sub = block[:, members].tocsc()
    conflict = (abs(sub).T @ abs(sub)).tocsr()
    colour = np.full(members.size, -1)
    for i in np.argsort(-np.diff(conflict.indptr), kind="stable"):
        taken = set(colour[conflict.indices[conflict.indptr[i] : conflict.indptr[i + 1]]].tolist())
        c = 0
        while c in taken:
            c += 1
        colour[i] = c
    return [members[colour == c] for c in range(colour.max() + 1)]
