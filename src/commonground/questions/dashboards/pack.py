"""What an evidence pack holds: the question, its charts and tables, the definition, the method and suppression
notes, the data sources and dates, and the release's version and SHA-256 — everything a grant or budget request
needs to cite the figure, in one plain structure the HTML and PDF builders both read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .cells import Cell, MeasureInfo
from .labels import value_label


@dataclass(frozen=True)
class PackRow:
    """One line of a chart's table: the group, its value (``None`` when hidden) and the texts to print."""

    label: str
    value: float | None
    value_text: str
    count: str
    out_of: str
    suppressed: bool


@dataclass(frozen=True)
class PackChart:
    """One chart of the pack and its table. ``svg`` (optional) replaces the drawn bars in the HTML (the map)."""

    title: str
    dimension: str
    measure: MeasureInfo
    rows: tuple[PackRow, ...]
    svg: str = ""
    note: str = ""


@dataclass(frozen=True)
class EvidencePack:
    """Everything the pack prints, already in words; dates are ISO strings (``2025-06-30``)."""

    hub_name: str
    question: str
    slug: str
    indicator: str
    definition: str
    how_to_read: str
    selection: str
    release_version: int
    release_sha256: str
    published: str
    generated: str
    charts: tuple[PackChart, ...]
    action: str = ""
    owner: str = ""
    caveat: str = ""
    method: tuple[str, ...] = ()
    suppression: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    link: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        """The download's file name without extension: ``<slug>-v<version>-evidence``."""
        return f"{self.slug}-v{self.release_version}-evidence"


def pack_rows(
    cells: Sequence[Cell],
    over: str,
    measure: MeasureInfo,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[PackRow, ...]:
    """Table rows for ``cells`` of a slice over ``over`` (suppressed rows say so in every number column)."""
    return tuple(
        PackRow(
            label=value_label(over, c.dims[over], names),
            value=None if c.suppressed else c.value,
            value_text=c.value_text(measure.proportion),
            count=c.count_text("numerator"),
            out_of=c.count_text("denominator"),
            suppressed=c.suppressed,
        )
        for c in cells
    )


def suppression_notes(summary: Mapping[str, object]) -> tuple[str, ...]:
    """The release's suppression summary (as ``Protected.summary`` records it) in plain sentences."""
    notes: list[str] = []
    min_cell = summary.get("min_cell")
    if min_cell is not None:
        notes.append(
            f"Counts below {min_cell} students, and numbers from which such counts could be worked out, are "
            'not published; they read "suppressed", which never means zero.'
        )
    primary, complementary = summary.get("primary_cells"), summary.get("complementary_cells")
    if primary is not None and complementary is not None:
        notes.append(
            f"{primary} cell(s) were hidden because they were too small, and {complementary} more so that the "
            "hidden ones cannot be recovered by subtraction from totals or from earlier releases."
        )
    rows, hidden = summary.get("rows"), summary.get("suppressed_rows")
    if rows is not None and hidden is not None:
        notes.append(f"{hidden} of the release's {rows} rows are suppressed.")
    audited = summary.get("hidden_numbers_audited")
    if audited is not None:
        notes.append(
            f"Before publication an audit computed the range an attacker could infer for each of the {audited} "
            "hidden numbers from everything published; every range was at least the minimum cell size wide."
        )
    return tuple(notes)
