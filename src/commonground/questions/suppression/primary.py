"""Primary suppression: a cell is hidden when any of its counts is between 1 and the minimum cell size − 1.

Checked on raw numbers, before anything is rounded: numerators, denominators, the students behind each
measure and, for proportions, the complement (denominator − numerator — "all but 2 of 40" reveals those 2 as
surely as "2 of 40"). Zero is not suppressed: an empty cell says nothing about any student, and "suppressed" must
never be read as zero. A cell hidden for one measure is hidden for all measures, so measures that share a
denominator cannot reveal each other.
"""

from __future__ import annotations

import numpy as np

from .cells import Cells


def sensitive(values: np.ndarray, min_cell: int) -> np.ndarray:
    """True where 0 < value < min_cell (with a little tolerance for weighted numbers)."""
    return (values > 1e-9) & (values < min_cell - 1e-9)


def primary(cells: Cells, min_cell: int) -> np.ndarray:
    """Per cell: True when it must be hidden on its own numbers."""
    flags = (
        sensitive(cells.num, min_cell) | sensitive(cells.den, min_cell) | sensitive(cells.students, min_cell)
    )
    prop = np.array([m in cells.proportions for m in cells.measures], dtype=bool)
    if prop.any():
        flags[:, prop] |= sensitive(cells.den[:, prop] - cells.num[:, prop], min_cell)
    return np.asarray(flags.any(axis=1))
