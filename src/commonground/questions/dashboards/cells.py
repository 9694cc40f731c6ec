"""A release's tidy rows as cells: one number per (breakdown values, measure), published or suppressed.

A release CSV has one column per breakdown dimension (``All`` marks a total), then ``measure``, ``numerator``,
``denominator``, ``value`` and ``status``; suppressed rows have empty numbers.  Rows may come straight from
``csv.DictReader`` (strings) or already typed (numbers or ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import DashboardError
from .labels import SUPPRESSED, format_count, format_value

#: The columns every release row has after its dimension columns.
FIXED_COLUMNS = ("measure", "numerator", "denominator", "value", "status")
STATUSES = ("published", SUPPRESSED)


@dataclass(frozen=True)
class MeasureInfo:
    """How to show one measure: its label and whether its value is a share (shown as a percentage)."""

    id: str
    label: str
    proportion: bool = True


@dataclass(frozen=True)
class Cell:
    """One published or suppressed number of a release.

    ``dims`` maps every dimension of the release to its value (``All`` for a total). A suppressed cell has no
    numbers at all: it is drawn and written as "suppressed", never as zero.
    """

    dims: Mapping[str, str]
    measure: str
    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool

    def value_text(self, proportion: bool) -> str:
        """The value as read on the page and in the pack; "suppressed" for a hidden cell."""
        return SUPPRESSED if self.suppressed else format_value(self.value, proportion)

    def count_text(self, which: str) -> str:
        """``numerator`` or ``denominator`` as text; "suppressed" for a hidden cell."""
        if self.suppressed:
            return SUPPRESSED
        return format_count(self.numerator if which == "numerator" else self.denominator)


def dims_of(columns: Sequence[str]) -> tuple[str, ...]:
    """The dimension columns of a release: every column before ``measure`` (checked to be followed by the rest)."""
    missing = [c for c in FIXED_COLUMNS if c not in columns]
    if missing:
        raise DashboardError(
            f"release rows lack the column(s) {', '.join(missing)}; got {', '.join(columns)}"
        )
    return tuple(c for c in columns if c not in FIXED_COLUMNS)


def _number(raw: object, column: str, line: int) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise DashboardError(f"row {line}: {column} is {raw!r}, not a number")
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(str(raw))
    except ValueError:
        raise DashboardError(f"row {line}: {column} is {raw!r}, not a number") from None


def cells_from_rows(rows: Iterable[Mapping[str, object]], dims: Sequence[str] | None = None) -> list[Cell]:
    """Parse tidy release rows into cells, refusing rows that contradict their status.

    A published row must have its numbers; a suppressed row must have none (an empty number is how a release
    says "hidden" — a zero there would be a leak or a bug, so it is refused, not guessed at).

    Example:
        >>> rows = [{"school": "All", "measure": "m", "numerator": "3", "denominator": "12",
        ...          "value": "0.25", "status": "published"}]
        >>> cells_from_rows(rows)[0].value
        0.25
    """
    cells: list[Cell] = []
    for line, row in enumerate(rows, start=2):  # line 1 of a CSV is its header
        if dims is None:
            dims = dims_of(list(row))
        status = str(row.get("status") or "")
        if status not in STATUSES:
            raise DashboardError(f"row {line}: status is {status!r}; expected 'published' or 'suppressed'")
        numbers = {c: _number(row.get(c), c, line) for c in ("numerator", "denominator", "value")}
        suppressed = status == SUPPRESSED
        if suppressed and any(v is not None for v in numbers.values()):
            raise DashboardError(f"row {line}: a suppressed row must have empty numbers")
        if not suppressed and (numbers["numerator"] is None or numbers["denominator"] is None):
            raise DashboardError(f"row {line}: a published row needs its numerator and denominator")
        values = {}
        for d in dims:
            value = row.get(d)
            if value is None or value == "":
                raise DashboardError(f"row {line}: no value for the {d!r} column")
            values[d] = str(value)
        measure = str(row.get("measure") or "")
        if not measure:
            raise DashboardError(f"row {line}: no measure")
        cells.append(
            Cell(values, measure, numbers["numerator"], numbers["denominator"], numbers["value"], suppressed)
        )
    return cells


def measures_of(cells: Sequence[Cell], known: Mapping[str, MeasureInfo] | None = None) -> list[MeasureInfo]:
    """The measures present, in first-seen order, described by ``known`` (else labelled by their id)."""
    seen: dict[str, MeasureInfo] = {}
    for cell in cells:
        if cell.measure not in seen:
            seen[cell.measure] = (known or {}).get(cell.measure) or MeasureInfo(
                cell.measure, cell.measure, False
            )
    return list(seen.values())
