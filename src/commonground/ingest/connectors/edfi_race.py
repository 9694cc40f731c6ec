"""Ed-Fi race and ethnicity → ``person.race_ethnicity`` (the roll-up of :mod:`.race`).

Data Standard 5.x puts them on ``StudentEducationOrganizationAssociation``: ``HispanicLatinoEthnicity``
(xs:boolean) and any number of ``Race`` elements, each a RaceDescriptor URI
(``<Race>uri://ed-fi.org/RaceDescriptor#White</Race>``). The ODS/API's JSON has
``races: [{"raceDescriptor": …}]``, which reaches the mappers as ``<Race><RaceDescriptor>…</RaceDescriptor></Race>``;
older standards put them on ``Student``. All of these shapes are read.

A student can have several associations (the school's and the district's). Their races are pooled and the
student is Hispanic or Latino if any says so — as the Ed-Fi Alliance's own OneRoster views do — and two that
roll up differently are reported as a warning naming both records.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .edfi_state import EdfiState, text
from .race import ETHNICITY, RACES, parse_race_word, roll_up
from .values import parse_bool

EXPECTED_RACE = (
    "a RaceDescriptor such as uri://ed-fi.org/RaceDescriptor#White (or Asian, Black or African American…)"
)
_RACE_SET = frozenset(RACES)


def race_parts(state: EdfiState, el: ET.Element, file: str) -> tuple[bool | None, frozenset[str]] | None:
    """(Hispanic or Latino?, races) of one record; None when it says nothing about either.

    A descriptor that is not a race is an error at its own line; it counts as not known.
    """
    hispanic = state.value(el, file, "HispanicLatinoEthnicity", parse_bool, "true or false")
    races: set[str] = set()
    said = hispanic is not None
    for child in el:
        if child.tag != "Race":
            continue
        raw = (child.text or "").strip() or text(child, "RaceDescriptor", "Race", ".//RaceDescriptor")
        if not raw:
            continue
        said = True
        try:
            word = state.parsed(parse_race_word, raw)
        except ValueError:
            state.result.error("bad-value", file, state.line_of(child), f"{el.tag}/Race", raw, EXPECTED_RACE)
            continue
        if word == ETHNICITY:  # Data Standard 5.2 lists "Hispanic or Latino" among the races
            hispanic = True
        elif word in _RACE_SET:
            races.add(word)
    return (hispanic, frozenset(races)) if said else None


def record_race(state: EdfiState, sid: str, el: ET.Element, file: str) -> str | None:
    """Pool this record's race/ethnicity with the student's earlier ones; return the student's value so far."""
    parts = race_parts(state, el, file)
    prior = state.race_parts.get(sid)
    if parts is None:
        return roll_up(*prior[:2]) if prior is not None else None
    hispanic, races = parts
    if prior is None:
        state.race_parts[sid] = (hispanic, races, state.line_of(el), file)
        return roll_up(hispanic, races)
    old_hispanic, old_races, line, old_file = prior
    before, here = roll_up(old_hispanic, old_races), roll_up(hispanic, races)
    pooled_hispanic = True if (old_hispanic or hispanic) else (old_hispanic if hispanic is None else hispanic)
    pooled = roll_up(pooled_hispanic, old_races | races)
    if before is not None and here is not None and before != here:
        state.result.warning(
            "conflicting-value",
            file,
            state.line_of(el),
            f"{el.tag}/Race",
            here,
            f"the race/ethnicity of line {line} of {old_file} for the same student ({before}); "
            f"both are pooled as {pooled}",
        )
    state.race_parts[sid] = (pooled_hispanic, old_races | races, line, old_file)
    return pooled
