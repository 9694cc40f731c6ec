"""OneRoster ``demographics.csv`` race and ethnicity columns → one ``race_ethnicity`` value per student.

The seven columns (``americanIndianOrAlaskaNative`` … ``white``, ``demographicRaceTwoOrMoreRaces``,
``hispanicOrLatinoEthnicity``) hold ``true`` or ``false`` (OneRoster 1.1 and 1.2); empty means not known.
Exports drift: ``TRUE``, ``1``, ``Y``, ``No`` are read as booleans and reported once per column as a warning
(with how many rows spell it so). Anything else is an error at the file, line and column, and that flag counts
as not known. Two columns that contradict each other (two races true but ``demographicRaceTwoOrMoreRaces``
false, or the reverse) are a warning: the value is still ``Two or more races``, which both agree with.

The combinations of cell values repeat across millions of rows, so each distinct combination is worked out
once and its issues replayed at each row that has it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .oneroster_files import FileRows, Row
from .race import ONEROSTER_HISPANIC, ONEROSTER_RACE_COLUMNS, ONEROSTER_TWO_OR_MORE, parse_flag, roll_up
from .report import ParseResult

COLUMNS = (*ONEROSTER_RACE_COLUMNS, ONEROSTER_TWO_OR_MORE, ONEROSTER_HISPANIC)
EXPECTED = "true or false (OneRoster demographics)"
#: Distinct value combinations remembered (a real file has a few dozen).
CACHE_LIMIT = 10_000

# (severity, code, column, value, expected) of one issue found in a combination of values.
_Spec = tuple[str, str, str, str, str]


@dataclass
class RaceReader:
    """Reads the race/ethnicity of each ``demographics.csv`` row and reports what it finds on the way."""

    rows: FileRows
    result: ParseResult
    _cache: dict[tuple[str, ...], tuple[str | None, tuple[_Spec, ...]]] = field(default_factory=dict)
    #: column → (first line, first value) of values accepted as drift, and how many rows had such values.
    _drift: dict[str, tuple[int, str]] = field(default_factory=dict)
    _drift_rows: Counter[str] = field(default_factory=Counter)

    def read(self, row: Row) -> str | None:
        """The row's ``race_ethnicity`` (one of ``race.CATEGORIES``) or None; issues go to the result."""
        cells = tuple(row.get(c) for c in COLUMNS)
        found = self._cache.get(cells)
        if found is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            found = self._cache[cells] = _work_out(cells)
        value, specs = found
        for severity, code, column, raw, expected in specs:
            if code == "value-drift":
                self._drift.setdefault(column, (row.line, raw))
                self._drift_rows[column] += 1
                continue
            report = self.result.error if severity == "error" else self.result.warning
            report(code, self.rows.file, row.line, self.rows.col(column), raw, expected)
        return value

    def finish(self) -> None:
        """Report the drifted spellings, once per column."""
        for column, (line, raw) in self._drift.items():
            self.result.warning(
                "value-drift",
                self.rows.file,
                line,
                self.rows.col(column),
                raw,
                f"true or false; {self._drift_rows[column]} row(s) spell it otherwise (such as {raw!r}) and were read as yes/no",
            )


def _work_out(cells: tuple[str, ...]) -> tuple[str | None, tuple[_Spec, ...]]:
    """(value, issues) of one combination of the seven cells, in :data:`COLUMNS` order."""
    specs: list[_Spec] = []
    flags: dict[str, bool | None] = {}
    for column, raw in zip(COLUMNS, cells, strict=True):
        if not raw:
            flags[column] = None
            continue
        try:
            flags[column], standard = parse_flag(raw)
        except ValueError:
            flags[column] = None
            specs.append(("error", "bad-value", column, raw, EXPECTED))
            continue
        if not standard:
            specs.append(("warning", "value-drift", column, raw, EXPECTED))
    races = [race for column, race in ONEROSTER_RACE_COLUMNS.items() if flags[column]]
    two = flags[ONEROSTER_TWO_OR_MORE]
    raw_two = cells[COLUMNS.index(ONEROSTER_TWO_OR_MORE)]
    if two is False and len(races) >= 2:
        specs.append(
            (
                "warning",
                "conflicting-value",
                ONEROSTER_TWO_OR_MORE,
                raw_two,
                f"true, since {len(races)} race columns are true (read as Two or more races)",
            )
        )
    elif two and len(races) == 1:
        specs.append(
            (
                "warning",
                "conflicting-value",
                ONEROSTER_TWO_OR_MORE,
                raw_two,
                f"a second race column set to true: only {races[0]} is (read as Two or more races)",
            )
        )
    return roll_up(flags[ONEROSTER_HISPANIC], races, two), tuple(specs)
