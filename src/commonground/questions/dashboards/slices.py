"""Filters and the slices each chart draws: one dimension varies, every other is held at the chosen value.

A release holds every margin of its breakdowns, so "Grade 3 at every school in 2024–25" is a set of rows of the
release itself: nothing is added up here, and no suppressed number can be recovered by the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from commonground.questions.indicators.breakdowns import TOTAL, UNKNOWN

from .cells import Cell, MeasureInfo
from .errors import DashboardError
from .labels import dimension_label, value_label


@dataclass(frozen=True)
class Option:
    """One choice of a filter: the value sent in the query string and the label shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Filter:
    """A filter of the page: a dimension (or ``measure``) and its options, the chosen one marked."""

    name: str
    label: str
    options: tuple[Option, ...]
    chosen: str


@dataclass(frozen=True)
class Selection:
    """The measure and, for every dimension, the chosen value (``All`` for the total)."""

    measure: MeasureInfo
    values: Mapping[str, str] = field(default_factory=dict)

    def describe(self, names: Mapping[str, Mapping[str, str]] | None = None, skip: str = "") -> str:
        """The held values in words, e.g. "Grade 3, 2024–25" (totals and ``skip`` left out)."""
        parts = [value_label(d, v, names) for d, v in self.values.items() if d != skip and v != TOTAL]
        return ", ".join(parts) if parts else "all students"


def _sort_key(dim: str, value: str, names: Mapping[str, Mapping[str, str]] | None) -> tuple[int, str]:
    # Totals first, "Unknown" last, years in order, everything else by its label.
    if value == TOTAL:
        return (0, "")
    if value == UNKNOWN:
        return (2, "")
    if dim in ("year", "grade"):
        return (1, value.rjust(8, "0") if value.isdigit() else value)
    return (1, value_label(dim, value, names).casefold())


def dimension_values(
    cells: Sequence[Cell], dim: str, names: Mapping[str, Mapping[str, str]] | None = None
) -> list[str]:
    """Every value ``dim`` takes in the release, ``All`` first and ``Unknown`` last."""
    return sorted({c.dims[dim] for c in cells}, key=lambda v: _sort_key(dim, v, names))


def grains(cells: Sequence[Cell]) -> set[frozenset[str]]:
    """The breakdown sets a release publishes, as the dimensions that are not ``All`` in some row.

    A release of the sets ``[["school"], ["grade"]]`` has the grains {school}, {grade} and {} (the total):
    it says nothing about one school's grade 3, and the page must say so rather than show something else.
    """
    return {frozenset(d for d, v in c.dims.items() if v != TOTAL) for c in cells}


def grain_words(found: set[frozenset[str]]) -> str:
    """The grains in words, e.g. "school; grade; school × school year" (the total left out)."""
    named = sorted(
        (sorted(dimension_label(d).lower() for d in g) for g in found if g), key=lambda g: (len(g), g)
    )
    return "; ".join(" × ".join(g) for g in named) or "the overall total only"


def choose(
    cells: Sequence[Cell],
    dims: Sequence[str],
    measures: Sequence[MeasureInfo],
    params: Mapping[str, str],
    names: Mapping[str, Mapping[str, str]] | None = None,
    found: set[frozenset[str]] | None = None,
) -> tuple[Selection, list[Filter]]:
    """Read the filters from ``params`` (a query string), refusing values the release does not have.

    Defaults: the first measure; ``All`` for every dimension, except the school year when the release breaks
    other dimensions down by year: then the latest year (a total over years mixes different school years).
    """
    if not measures:
        raise DashboardError("the release has no rows to show")
    by_id = {m.id: m for m in measures}
    measure_id = params.get("measure") or measures[0].id
    if measure_id not in by_id:
        raise DashboardError(f"unknown measure {measure_id!r}; this release has {', '.join(by_id)}")
    filters = [Filter("measure", "Measure", tuple(Option(m.id, m.label) for m in measures), measure_id)]
    yearly = any("year" in g and len(g) > 1 for g in (grains(cells) if found is None else found))
    values: dict[str, str] = {}
    for dim in dims:
        present = dimension_values(cells, dim, names)
        years = [v for v in present if v != TOTAL]
        default = years[-1] if dim == "year" and yearly and years else TOTAL
        chosen = params.get(dim) or default
        if chosen not in present:
            shown = ", ".join(_shown(dim, v, names) for v in present)
            raise DashboardError(
                f"{dimension_label(dim)} {chosen!r} is not in this release; choose one of: {shown}"
            )
        values[dim] = chosen
        options = tuple(Option(v, value_label(dim, v, names)) for v in present)
        filters.append(Filter(dim, dimension_label(dim), options, chosen))
    return Selection(by_id[measure_id], values), filters


def _shown(dim: str, value: str, names: Mapping[str, Mapping[str, str]] | None) -> str:
    label = value_label(dim, value, names)
    return label if label == value else f"{label} ({value})"


@dataclass(frozen=True)
class Slice:
    """What one chart draws: the cells over ``over`` with everything else held, or why there are none."""

    over: str
    cells: tuple[Cell, ...]
    reason: str = ""


def slice_for(
    cells: Sequence[Cell],
    selection: Selection,
    over: str,
    names: Mapping[str, Mapping[str, str]] | None = None,
    found: set[frozenset[str]] | None = None,
) -> Slice:
    """The slice over ``over``, or an empty one whose ``reason`` says in plain words why it cannot be drawn.

    ``found`` is ``grains(cells)`` when the caller already has it (a page draws several slices of one release).
    """
    label = dimension_label(over).lower()
    if over not in selection.values:
        return Slice(over, (), f"This release is not broken down by {label}.")
    held = [d for d, v in selection.values.items() if d != over and v != TOTAL]
    wanted = frozenset([over, *held])
    found = grains(cells) if found is None else found
    if wanted not in found:
        if not held:
            return Slice(over, (), f"This release does not break the figures down by {label} on its own.")
        others = " and ".join(dimension_label(d).lower() for d in held)
        return Slice(
            over,
            (),
            f"This release does not break {label} down by {others}; it publishes: {grain_words(found)}. "
            f"Set {others} back to all to see every {label}.",
        )
    return Slice(over, tuple(series(cells, selection, over, names)))


def series(
    cells: Sequence[Cell],
    selection: Selection,
    over: str,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Cell]:
    """The cells of the chosen measure across every value of ``over`` (not its total), all else held.

    Example: over ``school`` with grade 3 and year 2025 chosen, one cell per school for grade 3 in 2025.
    """
    if over not in selection.values:
        raise DashboardError(f"the release has no {dimension_label(over).lower()} breakdown")
    held = {d: v for d, v in selection.values.items() if d != over}
    found = [
        c
        for c in cells
        if c.measure == selection.measure.id
        and c.dims[over] != TOTAL
        and all(c.dims[d] == v for d, v in held.items())
    ]
    return sorted(found, key=lambda c: _sort_key(over, c.dims[over], names))


def headline(cells: Sequence[Cell], selection: Selection) -> Cell | None:
    """The one cell of the chosen measure at exactly the chosen values (the figure the filters describe)."""
    for c in cells:
        if c.measure == selection.measure.id and all(c.dims[d] == v for d, v in selection.values.items()):
            return c
    return None
