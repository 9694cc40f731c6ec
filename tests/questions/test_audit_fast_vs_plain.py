"""Property test: the fast audit (components, feasible-point certificates, warm-started LPs) finds exactly the
exposures of the plain audit (every hidden number's minimum and maximum by its own LP) on random small tables.

The hidden cells are drawn at random, not chosen by :func:`protect`, so many patterns leak and both audits have
narrow ranges to find; the fast audit runs with the true table as a known feasible point (as :func:`protect`
calls it), without one (as :func:`check_release` does), and starting from an arbitrary vertex instead (what
it does for large components when no point is given).
"""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.questions.suppression import TOTAL, audit, lp

from .tables import cube, release

LEVELS = [["a", "b", "c"], ["x", "y", "z"], ["p", "q"]]
K = 5


@st.composite
def hidden_tables(draw: st.DrawFn) -> tuple[object, object, bool]:
    """A 2- or 3-dimensional table with every margin and a random set of hidden cells (totals included)."""
    n_dims = draw(st.integers(2, 3))
    dims = ["d1", "d2", "d3"][:n_dims]
    proportion = draw(st.booleans())
    finest = {}
    for key in itertools.product(*LEVELS[:n_dims]):
        den = draw(st.one_of(st.just(0), st.integers(1, 8), st.integers(5, 30)))
        finest[key] = (draw(st.integers(0, den)), den)
    table = cube(dims, finest, proportion=proportion)
    keys = list(itertools.product(*[[TOTAL, *LEVELS[i]] for i in range(n_dims)]))
    mask = draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    hidden = [dict(zip(dims, k, strict=True)) for k, h in zip(keys, mask, strict=True) if h]
    return table, release(table, hidden), proportion


def _exposed(report: object) -> set[tuple[object, ...]]:
    return {(e.cell, e.measure, e.quantity) for e in report.exposures}  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hidden_tables())
def test_fast_audit_finds_exactly_the_plain_audits_exposures(case: tuple[object, object, bool]) -> None:
    table, published, _proportion = case
    plain = audit(published, K, exact=True)  # type: ignore[arg-type]
    with_point = audit(published, K, witness=table)  # type: ignore[arg-type]
    without = audit(published, K)  # type: ignore[arg-type]
    with mock.patch.object(lp, "FEW", 0):  # big components start from any vertex when no point is given
        from_vertex = audit(published, K)  # type: ignore[arg-type]
    assert _exposed(with_point) == _exposed(plain)
    assert _exposed(without) == _exposed(plain)
    assert _exposed(from_vertex) == _exposed(plain)
    # where the fast audit solved a narrow range exactly, it is the plain audit's range
    for measure, cells in plain.ranges.items():
        for key, ranges in cells.items():
            fast = without.ranges[measure][key]
            for (lo, hi), (f_lo, f_hi) in zip(ranges, fast, strict=True):
                if np.isfinite(hi) and hi - lo < K - 1e-6:
                    assert f_lo <= lo + 1e-6 and f_hi >= hi - 1e-6  # propagation's outer bounds contain it
                else:
                    assert f_hi - f_lo <= hi - lo + 1e-6  # a certified width is a width some points reach
