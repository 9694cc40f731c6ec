"""One linear program solved for many objectives: HiGHS with the model kept between solves (warm starts).

The audit asks the same feasible region for the minimum and maximum of many hidden numbers. Building the model
once and changing only the objective lets the simplex start from the last optimal basis, which takes a few
pivots instead of a solve from scratch. HiGHS ships inside SciPy (``scipy.optimize._highspy``, the module
:func:`scipy.optimize.linprog` itself calls); it is private, so when it is missing or changes shape the model
falls back to :func:`~scipy.optimize.linprog` for every solve (same answers, slower).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

try:  # SciPy ≥ 1.15 bundles the HiGHS bindings linprog uses; older versions fall back to linprog
    from scipy.optimize._highspy import _core as _h
except ImportError:  # pragma: no cover - depends on the installed SciPy
    _h = None


class Outcome(Enum):
    """How one solve ended."""

    OPTIMAL = "optimal"
    UNBOUNDED = "unbounded"
    INFEASIBLE = "infeasible"


class LinearProgram:
    """min c·x subject to ``a_eq x = b_eq``, ``a_ub x ≤ b_ub`` and ``lower ≤ x ≤ upper``, for many ``c``.

    ``lower`` defaults to 0; an ``upper`` of ``inf`` is no bound.
    """

    def __init__(
        self,
        a_eq: sparse.csr_matrix,
        b_eq: np.ndarray,
        a_ub: sparse.csr_matrix | None,
        b_ub: np.ndarray | None,
        upper: np.ndarray,
        lower: np.ndarray | None = None,
    ) -> None:
        self.n = a_eq.shape[1]
        self._a_eq, self._b_eq, self._a_ub, self._b_ub = a_eq, b_eq, a_ub, b_ub
        self._upper = np.asarray(upper, dtype=float)
        self._lower = np.zeros(self.n) if lower is None else np.asarray(lower, dtype=float)
        self.solves = 0
        self._highs: Any = None
        if _h is not None:
            try:
                self._highs = self._build()
            except (
                AttributeError,
                TypeError,
                RuntimeError,
            ):  # pragma: no cover - a SciPy whose bindings differ
                self._highs = None

    def _build(self) -> Any:
        blocks = [self._a_eq] + ([self._a_ub] if self._a_ub is not None else [])
        a = sparse.vstack(blocks, format="csc")
        a.sort_indices()
        rows_low = np.concatenate(
            [self._b_eq] + ([np.full(self._a_ub.shape[0], -np.inf)] if self._a_ub is not None else [])
        )
        rows_high = np.concatenate([self._b_eq] + ([self._b_ub] if self._b_ub is not None else []))
        lp = _h.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, a.shape[0]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n, a.shape[0]
        lp.a_matrix_.format_ = _h.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = self._lower
        lp.col_upper_ = np.where(np.isfinite(self._upper), self._upper, _h.kHighsInf)
        lp.row_lower_ = np.where(np.isfinite(rows_low), rows_low, -_h.kHighsInf)
        lp.row_upper_ = rows_high
        highs = _h._Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # presolve would throw the warm-start basis away
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("simplex_strategy", 4)  # primal: a new objective keeps the basis primal feasible
        if highs.passModel(lp) == _h.HighsStatus.kError:
            raise RuntimeError("HiGHS refused the model")
        return highs

    def set_upper(self, upper: np.ndarray) -> None:
        """New upper bounds on every variable (``inf`` for none); only changed ones reach the solver (keeps the
        basis as close to optimal as it can be)."""
        upper = np.asarray(upper, dtype=float)
        changed = np.flatnonzero(upper != self._upper).astype(np.int32)
        self._upper = upper
        if self._highs is not None and changed.size:
            high = np.where(np.isfinite(upper[changed]), upper[changed], _h.kHighsInf)
            self._highs.changeColsBounds(changed.size, changed, self._lower[changed], high)

    def minimize(self, c: np.ndarray) -> tuple[Outcome, np.ndarray | None]:
        """Minimize ``c·x``: the outcome and, when optimal, the solution."""
        self.solves += 1
        if self._highs is None:
            return self._linprog(c)
        highs = self._highs
        highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), np.asarray(c, dtype=float))
        highs.run()
        status = highs.getModelStatus()
        if status == _h.HighsModelStatus.kOptimal:
            return Outcome.OPTIMAL, np.asarray(highs.getSolution().col_value)
        if status in (_h.HighsModelStatus.kUnbounded, _h.HighsModelStatus.kUnboundedOrInfeasible):
            return Outcome.UNBOUNDED, None
        if status == _h.HighsModelStatus.kInfeasible:
            return Outcome.INFEASIBLE, None
        # anything else (a numerical failure after many warm starts): solve this one from scratch
        return self._linprog(c)

    def _linprog(self, c: np.ndarray) -> tuple[Outcome, np.ndarray | None]:
        bounds = [
            (float(lo), float(hi) if np.isfinite(hi) else None)
            for lo, hi in zip(self._lower, self._upper, strict=True)
        ]
        res = linprog(c, A_ub=self._a_ub, b_ub=self._b_ub, A_eq=self._a_eq, b_eq=self._b_eq, bounds=bounds,
                      method="highs")  # fmt: skip
        if res.status == 0:
            return Outcome.OPTIMAL, np.asarray(res.x)
        if res.status == 3:
            return Outcome.UNBOUNDED, None
        if res.status == 2:
            return Outcome.INFEASIBLE, None
        raise RuntimeError(f"the audit's linear program failed: {res.message}")
