"""Disclosure avoidance for published aggregates (Django-free).

- :func:`~.release.protect` — primary suppression below the minimum cell size (default 10, allowed 3–30) on
  numerators, denominators, students and complements; complementary suppression across rows, columns, totals,
  the breakdown hierarchy and earlier releases, repeated until the audit passes; rounding last.
- :func:`~.audit.audit` / :func:`~.audit.check_release` — the release gate: the feasible range of every hidden
  number by linear programming over everything published, this release and earlier ones; refuses
  (:class:`~.errors.DisclosureRisk`, listing the cells) when any range is narrower than the minimum.
- :func:`~.lattice.complete` — add the empty combinations of a tidy table as zeros.
"""

from .audit import AuditReport, Exposure, audit, check_release
from .errors import DEFAULT_MIN_CELL, DisclosureRisk, SuppressionError, check_min_cell
from .lattice import TOTAL, complete
from .release import Protected, protect

__all__ = [
    "DEFAULT_MIN_CELL",
    "TOTAL",
    "AuditReport",
    "DisclosureRisk",
    "Exposure",
    "Protected",
    "SuppressionError",
    "audit",
    "check_min_cell",
    "check_release",
    "complete",
    "protect",
]
