"""Race and ethnicity: one ``person.race_ethnicity`` value per person, the US federal 7-category roll-up.

The roll-up (as in federal K-12 reporting, e.g. EDFacts and IPEDS):

1. Hispanic or Latino ethnicity → ``Hispanic or Latino``, whatever the race;
2. otherwise two or more races → ``Two or more races``;
3. otherwise the one race: ``American Indian or Alaska Native``, ``Asian``, ``Black or African American``,
   ``Native Hawaiian or Other Pacific Islander`` or ``White``;
4. nothing known (no race, or only "Other" / "Choose Not to Respond") → null (the breakdown says ``Unknown``).

Sources give the parts differently: OneRoster ``demographics.csv`` has one true/false column per race plus
``demographicRaceTwoOrMoreRaces`` and ``hispanicOrLatinoEthnicity``; Ed-Fi has ``Race`` descriptors
(``uri://ed-fi.org/RaceDescriptor#White``) and ``HispanicLatinoEthnicity``; a partner's file has one column
of words. Each parser here returns a value or raises ``ValueError`` (the connectors turn that into an error
at the file, line and column). Django-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .values import FALSE_WORDS, TRUE_WORDS, descriptor_value

HISPANIC = "Hispanic or Latino"
AIAN = "American Indian or Alaska Native"
ASIAN = "Asian"
BLACK = "Black or African American"
NHPI = "Native Hawaiian or Other Pacific Islander"
WHITE = "White"
TWO_OR_MORE = "Two or more races"

#: The values ``person.race_ethnicity`` may hold (besides null), in the order reports list them.
CATEGORIES = (HISPANIC, AIAN, ASIAN, BLACK, NHPI, WHITE, TWO_OR_MORE)
RACES = (AIAN, ASIAN, BLACK, NHPI, WHITE)
EXPECTED = "one of " + ", ".join(CATEGORIES) + " (or a value_maps entry)"

#: OneRoster 1.1/1.2 ``demographics.csv``: race column → race, in the file's order.
ONEROSTER_RACE_COLUMNS = {
    "americanIndianOrAlaskaNative": AIAN,
    "asian": ASIAN,
    "blackOrAfricanAmerican": BLACK,
    "nativeHawaiianOrOtherPacificIslander": NHPI,
    "white": WHITE,
}
ONEROSTER_TWO_OR_MORE = "demographicRaceTwoOrMoreRaces"
ONEROSTER_HISPANIC = "hispanicOrLatinoEthnicity"

#: A marker a race word may mean instead of a race: the person is Hispanic or Latino (Ed-Fi 5.2 lists
#: "Hispanic or Latino" among its RaceDescriptor values).
ETHNICITY = "ethnicity"

# Words normalised by _key: lower case, every run of non-letters one space. Ed-Fi's descriptor code values
# changed spelling across versions ("Black - African American" in the ODS/API 3–6 templates, "Black or African
# American" in Data Standard 5.2); both are here. Data Standard 5.2 adds "Middle Eastern or North African",
# which the 1997 federal standard behind the 7 categories counts as White.
_RACE_WORDS = {
    **dict.fromkeys(
        (
            "american indian alaska native",
            "american indian or alaska native",
            "american indian",
            "alaska native",
            "native american",
            "aian",
        ),
        AIAN,
    ),
    "asian": ASIAN,
    **dict.fromkeys(
        ("black african american", "black or african american", "black", "african american"), BLACK
    ),
    **dict.fromkeys(
        (
            "native hawaiian pacific islander",
            "native hawaiian or pacific islander",
            "native hawaiian or other pacific islander",
            "native hawaiian other pacific islander",
            "native hawaiian",
            "pacific islander",
            "nhpi",
        ),
        NHPI,
    ),
    **dict.fromkeys(
        ("white", "caucasian", "middle eastern or north african", "middle eastern north african", "mena"),
        WHITE,
    ),
    **dict.fromkeys(
        ("hispanic or latino", "hispanic latino", "hispanic", "latino", "latina", "latinx", "latine"),
        ETHNICITY,
    ),
}
_TWO_OR_MORE_WORDS = frozenset(
    {"two or more races", "two or more", "multiracial", "multi racial", "multiple races", "multiple"}
)
#: Values that say the race is not known; they give null, not an error.
_UNKNOWN_WORDS = frozenset(
    {
        "other",
        "choose not to respond",
        "not selected",
        "unknown",
        "declined",
        "declined to state",
        "prefer not to answer",
        "not reported",
        "data not collected",
        "client prefers not to answer",
        "client doesn t know",
        # An ethnicity column's "no" says nothing about race.
        "not hispanic",
        "non hispanic",
        "not hispanic or latino",
        "not hispanic latino",
    }
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


def roll_up(hispanic: bool | None, races: Iterable[str], two_or_more: bool | None = False) -> str | None:
    """The 7-category value from its parts (``races`` are values of :data:`RACES`); None when unknown.

    Example:
        >>> roll_up(True, [WHITE]), roll_up(False, [WHITE, ASIAN]), roll_up(None, [ASIAN]), roll_up(False, [])
        ('Hispanic or Latino', 'Two or more races', 'Asian', None)
    """
    if hispanic:
        return HISPANIC
    found = set(races)
    if len(found) >= 2 or two_or_more:
        return TWO_OR_MORE
    return next(iter(found)) if found else None


def parse_race_word(text: str) -> str | None:
    """One race as a source writes it → a value of :data:`RACES`, :data:`ETHNICITY`, or None (unknown).

    Ed-Fi descriptors (``uri://ed-fi.org/RaceDescriptor#Black - African American``) are read by their code
    value; anything else raises ``ValueError``.
    """
    key = _key(descriptor_value(text))
    if key in _RACE_WORDS:
        return _RACE_WORDS[key]
    if key in _UNKNOWN_WORDS:
        return None
    raise ValueError(text)


def parse_race_ethnicity(text: str) -> str | None:
    """A partner's race/ethnicity cell → one of :data:`CATEGORIES`, or None when it says "unknown".

    A cell may name several races separated by ``;`` or ``|`` (``White; Asian`` → Two or more races).

    Example:
        >>> parse_race_ethnicity("Black"), parse_race_ethnicity("white|asian"), parse_race_ethnicity("Declined")
        ('Black or African American', 'Two or more races', None)
    """
    key = _key(text)
    if key in _TWO_OR_MORE_WORDS:
        return TWO_OR_MORE
    words = [w for w in re.split(r"[;|]", text) if w.strip()]
    if not words:
        raise ValueError(text)
    parts = [parse_race_word(w) for w in words]
    return roll_up(ETHNICITY in parts, (p for p in parts if p is not None and p != ETHNICITY))


def parse_flag(text: str) -> tuple[bool, bool]:
    """A OneRoster true/false cell → (value, spelled as the standard says). ``TRUE``, ``1``, ``Y`` are
    accepted as drift (second item False); anything else raises ``ValueError``."""
    if text in ("true", "false"):
        return text == "true", True
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True, False
    if word in FALSE_WORDS:
        return False, False
    raise ValueError(text)
