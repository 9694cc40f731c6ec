"""One mapped column of a partner's file: how a raw cell becomes a canonical value (or an error).

:meth:`Column.outcome` is the single definition of a cell's meaning — formula-like text, trimming, the value
map, the type conversion — used cell by cell on the exact path and once per distinct value on the vectorised
path, so both paths give the same values and the same errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from . import canonical, race
from .edfi_records import ATTENDANCE
from .mapping import Mapping
from .race import parse_race_ethnicity
from .values import looks_like_formula, parse_bool, parse_date, parse_float, parse_grade, parse_int, parse_sex

FORMULA_EXPECTED = "plain text; a value starting with = + - @ could run as a spreadsheet formula (kept as text, never evaluated)"
#: Distinct values remembered per column (dates, codes and categories repeat; ids and names do not).
CACHE_LIMIT = 200_000


def converter(
    table: str, name: str, typ: pa.DataType, mapping: Mapping
) -> tuple[Callable[[str], Any], str] | None:
    """How text becomes the canonical value of a field, and what is expected; None for plain text."""
    formats = mapping.date_formats.get(name)
    if typ == pa.date32():
        shown = " or ".join(formats) if formats else "YYYY-MM-DD"
        return (lambda t: parse_date(t, formats)), f"a date as {shown}"
    if typ == pa.int32():
        return parse_int, "a whole number"
    if typ == pa.float64():
        return parse_float, "a number"
    if typ == pa.bool_():
        return parse_bool, "yes/no, true/false or 1/0"
    if name == "sex":
        return parse_sex, "female, male, nonbinary or not selected (or a value_maps entry)"
    if name == "race_ethnicity":
        return parse_race_ethnicity, race.EXPECTED
    if name == "grade_level":
        return parse_grade, "a grade level such as KG, 1 … 12, PK"
    if name == "category" and table == "attendance_event":
        cats = {**ATTENDANCE, **{c: c for c in canonical.ATTENDANCE_CATEGORIES}}
        return (lambda t: cats[t.strip().lower()]), "in_attendance, excused, unexcused, tardy or partial"
    return None


@dataclass
class Column:
    """A canonical field read from one column of the file."""

    name: str
    order: int
    pos: int
    label: str
    typ: pa.DataType
    convert: Callable[[str], Any] | None
    expected: str
    vmap: dict[str, str] | None
    cache: dict[str, tuple[Any, str | None, bool]] = field(default_factory=dict, repr=False)

    @property
    def plain(self) -> bool:
        """True for text kept as written (trimmed): no value map, no conversion."""
        return self.convert is None and not self.vmap

    def outcome(self, raw: str) -> tuple[Any, str | None, bool]:
        """(value, error code or None, formula-like) for one raw cell."""
        found = self.cache.get(raw)
        if found is not None:
            return found
        formula = looks_like_formula(raw)
        text = raw.strip()
        value: Any = None
        code = None
        if text:
            if self.vmap:
                text = self.vmap.get(
                    text, next((v for k, v in self.vmap.items() if k.casefold() == text.casefold()), text)
                )
            if self.convert is None:
                value = text
            else:
                try:
                    value = self.convert(text)
                except (ValueError, KeyError):
                    code = "bad-date" if self.expected.startswith("a date") else "bad-value"
        out = (value, code, formula)
        if not self.plain:
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            self.cache[raw] = out
        return out


def columns_for(mapping: Mapping, positions: dict[str, int], header: list[str]) -> list[Column]:
    """The mapped columns, in the mapping's order."""
    schema = canonical.schema(mapping.table)
    out = []
    for order, (name, pos) in enumerate(positions.items()):
        typ = schema.field(name).type
        conv = converter(mapping.table, name, typ, mapping)
        convert, expected = conv if conv is not None else (None, "text")
        out.append(
            Column(name, order, pos, header[pos], typ, convert, expected, mapping.value_maps.get(name))
        )
    return out


def constant_values(mapping: Mapping, file: str, org: str | None) -> dict[str, Any]:
    """The values every row of the file shares: the mapping's constants, the file and the organization."""
    values: dict[str, Any] = {**mapping.constants, "source_file": file}
    if org:
        values["source_org"] = org
    return values
