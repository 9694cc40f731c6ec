"""Neighbourhood figures added up from published school figures, for releases broken down by school only.

The indicator library puts each student in the neighbourhood of their school (``DIMENSIONS["neighborhood"]``),
so a neighbourhood's numbers are the sums of its schools' numbers. Only published numbers are added — sums of
public numbers reveal nothing new — and a neighbourhood with any suppressed school is itself suppressed: its
sum cannot be known, and it is never shown as the sum of the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .cells import Cell


def regroup(
    cells: Sequence[Cell], over: str, groups: Mapping[str, str], into: str
) -> tuple[list[Cell], list[str]]:
    """Sum the cells of a slice over ``over`` into the groups ``groups`` maps its values to (``into`` names them).

    Returns the new cells (one per group, ``dims == {into: group}``) and the values no group knows.

    Example:
        >>> a = Cell({"school": "1"}, "m", 2.0, 10.0, 0.2, False)
        >>> b = Cell({"school": "2"}, "m", 3.0, 10.0, 0.3, False)
        >>> [(c.dims["neighborhood"], c.value) for c in regroup([a, b], "school", {"1": "N", "2": "N"}, "neighborhood")[0]]
        [('N', 0.25)]
    """
    members: dict[str, list[Cell]] = {}
    unknown: list[str] = []
    for cell in cells:
        group = groups.get(cell.dims[over], "")
        if not group:
            unknown.append(cell.dims[over])
            continue
        members.setdefault(group, []).append(cell)
    out: list[Cell] = []
    for group, parts in sorted(members.items()):
        measure = parts[0].measure
        if any(p.suppressed or p.numerator is None or p.denominator is None for p in parts):
            out.append(Cell({into: group}, measure, None, None, None, True))
            continue
        numerator = sum(p.numerator or 0.0 for p in parts)
        denominator = sum(p.denominator or 0.0 for p in parts)
        value = numerator / denominator if denominator else None
        out.append(Cell({into: group}, measure, numerator, denominator, value, False))
    return out, unknown
