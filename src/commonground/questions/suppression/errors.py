"""Errors of disclosure avoidance, each naming the cells concerned."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .audit import Exposure


class SuppressionError(ValueError):
    """A request that cannot be processed: a bad minimum cell size, a malformed or inconsistent table."""


class DisclosureRisk(SuppressionError):
    """The release would let someone infer a hidden cell too closely; nothing may be published.

    ``exposures`` lists every cell and what could be inferred about it.
    """

    def __init__(self, message: str, exposures: Sequence[Exposure]) -> None:
        self.exposures = list(exposures)
        shown = "\n".join(f"  - {e.describe()}" for e in self.exposures[:20])
        more = f"\n  … and {len(self.exposures) - 20} more" if len(self.exposures) > 20 else ""
        super().__init__(f"{message}\n{shown}{more}" if shown else message)


MIN_CELL_RANGE = (3, 30)
DEFAULT_MIN_CELL = 10


def check_min_cell(min_cell: object) -> int:
    """The minimum cell size as an int in 3–30 (``SuppressionError`` otherwise)."""
    if isinstance(min_cell, bool) or not isinstance(min_cell, int):
        raise SuppressionError(f"the minimum cell size must be a whole number, not {min_cell!r}")
    low, high = MIN_CELL_RANGE
    if not low <= min_cell <= high:
        raise SuppressionError(f"the minimum cell size must be between {low} and {high}; got {min_cell}")
    return min_cell
