"""Fast outer bounds of hidden numbers by constraint propagation (no LP).

Each equation ``Σ children − parent = b`` bounds every unknown in it by the bounds of the others; sweeping
all equations until nothing tightens gives, for every hidden number, an interval that contains its true feasible
range. So a width below the minimum here is certainly an exposure (the LP is not needed to see it), while a
wider interval still needs the LP to show the range really is that wide.
"""

from __future__ import annotations

import numpy as np

INF = np.inf


def propagate(
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    coef: np.ndarray,
    b: np.ndarray,
    sweeps: int = 50,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (low, high) of x ≥ 0 under ``Σ coef·x = b`` per row; ``coef`` entries are +1 or −1.

    ``low``/``high`` are starting bounds (default: 0 and infinity).
    """
    low = np.zeros(n) if low is None else low.copy()
    high = np.full(n, INF) if high is None else high.copy()
    if rows.size == 0:
        return low, high
    n_rows = b.size
    pos = coef > 0
    for _ in range(sweeps):
        # each entry's own least and greatest contribution c·x
        own_min = np.where(pos, low[cols], -high[cols])
        own_max = np.where(pos, high[cols], -low[cols])
        min_inf, max_inf = np.isinf(own_min), np.isinf(own_max)
        min_fin = np.bincount(rows, np.where(min_inf, 0.0, own_min), n_rows)
        max_fin = np.bincount(rows, np.where(max_inf, 0.0, own_max), n_rows)
        min_cnt = np.bincount(rows, min_inf, n_rows)
        max_cnt = np.bincount(rows, max_inf, n_rows)
        # least and greatest sum of the *other* entries of the row
        others_min = np.where(
            min_cnt[rows] - min_inf > 0, -INF, min_fin[rows] - np.where(min_inf, 0.0, own_min)
        )
        others_max = np.where(
            max_cnt[rows] - max_inf > 0, INF, max_fin[rows] - np.where(max_inf, 0.0, own_max)
        )
        lo_c, hi_c = b[rows] - others_max, b[rows] - others_min  # bounds of c·x for this entry
        new_low = np.where(pos, lo_c, -hi_c)
        new_high = np.where(pos, hi_c, -lo_c)
        low2, high2 = low.copy(), high.copy()
        np.maximum.at(low2, cols, np.nan_to_num(new_low, nan=-INF, neginf=-INF))
        np.minimum.at(high2, cols, np.nan_to_num(new_high, nan=INF, posinf=INF))
        low2 = np.maximum(low2, 0.0)
        if np.allclose(low2, low, atol=1e-9, equal_nan=True) and np.array_equal(np.isinf(high2), np.isinf(high)) \
                and np.allclose(high2[np.isfinite(high2)], high[np.isfinite(high)], atol=1e-9):  # fmt: skip
            low, high = low2, high2
            break
        low, high = low2, high2
    return low, high
