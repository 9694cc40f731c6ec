"""Protect a computed table for release: primary suppression, complementary suppression, audit, rounding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .audit import AuditReport
from .cells import dims_of, from_table
from .complementary import complementary
from .errors import DEFAULT_MIN_CELL, DisclosureRisk, SuppressionError, check_min_cell
from .lattice import complete
from .primary import primary


@dataclass
class Protected:
    """A release that passed the audit, with what it took: counts of primary and complementary suppressions."""

    table: pa.Table
    report: AuditReport
    primary: int
    complementary: int
    rounds: int

    @property
    def summary(self) -> dict[str, int]:
        """The suppression summary a release records in its provenance."""
        cells = self.table.num_rows
        return {
            "min_cell": self.report.min_cell,
            "rows": cells,
            "suppressed_rows": int(sum(s == "suppressed" for s in self.table.column("status").to_pylist())),
            "primary_cells": self.primary,
            "complementary_cells": self.complementary,
            "rounds": self.rounds,
            "hidden_numbers_audited": self.report.hidden_numbers,
        }


def protect(
    table: pa.Table,
    min_cell: int = DEFAULT_MIN_CELL,
    earlier: Sequence[pa.Table] = (),
    *,
    proportions: Sequence[str] | None = None,
    decimals: int | None = 4,
) -> Protected:
    """Suppress a tidy indicator table so that the audit passes, or raise ``DisclosureRisk``.

    ``earlier`` are the published tables of earlier releases of the same question. ``proportions`` overrides
    the measures the table's metadata marks as proportions. ``value`` is rounded to ``decimals`` only after
    suppression; numerators and denominators are published as computed.
    """
    min_cell = check_min_cell(min_cell)
    if "status" in table.column_names:
        raise SuppressionError(
            "the table already has a status column: protect the computed table, not a release"
        )
    table = complete(table, dims_of(table))
    if "value" not in table.column_names:
        raise SuppressionError("the table has no 'value' column")
    cells = from_table(table, proportions)
    hide = primary(cells, min_cell)
    first = int(hide.sum())
    release, report, rounds = complementary(table, cells, hide, min_cell, earlier, decimals)
    if not report.passed:
        raise DisclosureRisk(
            "no safe release found: hiding more cells could not stop these numbers being inferred",
            report.exposures,
        )
    return Protected(release, report, first, int(np.sum(hide)) - first, rounds)
