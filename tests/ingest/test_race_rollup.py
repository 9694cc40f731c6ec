"""The federal 7-category roll-up and the words each source uses for race and ethnicity (Django-free)."""

from __future__ import annotations

import pytest

from commonground.ingest.connectors import canonical, race
from commonground.ingest.connectors.race import parse_flag, parse_race_ethnicity, parse_race_word, roll_up


def test_the_person_table_has_one_race_ethnicity_column() -> None:
    assert canonical.schema("person").field("race_ethnicity").type == canonical.S
    assert "race_ethnicity" in canonical.data_field_names("person")
    assert "race_ethnicity" not in canonical.PII_COLUMNS  # grouped on like sex, never a direct identifier


@pytest.mark.parametrize(
    ("hispanic", "races", "two", "expected"),
    [
        (True, [race.WHITE], False, race.HISPANIC),  # Hispanic or Latino of any race
        (True, [race.WHITE, race.BLACK], False, race.HISPANIC),
        (True, [], False, race.HISPANIC),
        (False, [race.WHITE, race.ASIAN], False, race.TWO_OR_MORE),
        (None, [race.AIAN, race.NHPI], False, race.TWO_OR_MORE),
        (False, [], True, race.TWO_OR_MORE),  # the source's own "two or more" flag, races not named
        (False, [race.BLACK], False, race.BLACK),
        (None, [race.NHPI], None, race.NHPI),
        (False, [], False, None),  # nothing known → null, shown as Unknown
        (None, [], None, None),
    ],
)
def test_roll_up(hispanic: bool | None, races: list[str], two: bool | None, expected: str | None) -> None:
    assert roll_up(hispanic, races, two) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ed-Fi Data Standard 5.2 (Descriptors/RaceDescriptor.xml) …
        ("uri://ed-fi.org/RaceDescriptor#American Indian or Alaska Native", race.AIAN),
        ("uri://ed-fi.org/RaceDescriptor#Black or African American", race.BLACK),
        ("uri://ed-fi.org/RaceDescriptor#Native Hawaiian or Pacific Islander", race.NHPI),
        ("uri://ed-fi.org/RaceDescriptor#Middle Eastern or North African", race.WHITE),
        ("uri://ed-fi.org/RaceDescriptor#Hispanic or Latino", race.ETHNICITY),
        ("uri://ed-fi.org/RaceDescriptor#Other", None),
        ("uri://ed-fi.org/RaceDescriptor#Choose Not to Respond", None),
        # … and the ODS/API 3–6 templates' spellings
        ("uri://ed-fi.org/RaceDescriptor#American Indian - Alaska Native", race.AIAN),
        ("uri://ed-fi.org/RaceDescriptor#Black - African American", race.BLACK),
        ("uri://ed-fi.org/RaceDescriptor#Native Hawaiian - Pacific Islander", race.NHPI),
        ("White", race.WHITE),
        ("ASIAN", race.ASIAN),
    ],
)
def test_race_words(text: str, expected: str | None) -> None:
    assert parse_race_word(text) == expected


def test_a_word_that_is_no_race_raises() -> None:
    with pytest.raises(ValueError, match="Martian"):
        parse_race_word("uri://ed-fi.org/RaceDescriptor#Martian")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *((c, c) for c in race.CATEGORIES),  # the hub's own values, as a corrected-rows file carries them
        ("Hispanic", race.HISPANIC),
        ("Latina", race.HISPANIC),
        ("Black", race.BLACK),
        ("african-american", race.BLACK),
        ("Multiracial", race.TWO_OR_MORE),
        ("White; Asian", race.TWO_OR_MORE),
        ("White|Hispanic", race.HISPANIC),
        ("Unknown", None),
        ("Declined to state", None),
        ("Not Hispanic", None),
    ],
)
def test_partner_cells(text: str, expected: str | None) -> None:
    assert parse_race_ethnicity(text) == expected


@pytest.mark.parametrize(("text", "bad"), [("Green", "Green"), ("White; Plaid", "Plaid"), (";", ";")])
def test_partner_cells_that_name_no_category_raise(text: str, bad: str) -> None:
    with pytest.raises(ValueError, match=bad):  # the message names the word that is no category
        parse_race_ethnicity(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", (True, True)), ("false", (False, True)), ("TRUE", (True, False)), ("1", (True, False)),
     ("Y", (True, False)), ("No", (False, False)), ("0", (False, False))],
)  # fmt: skip
def test_oneroster_flags(text: str, expected: tuple[bool, bool]) -> None:
    assert parse_flag(text) == expected


def test_an_unreadable_flag_raises() -> None:
    with pytest.raises(ValueError, match="maybe"):
        parse_flag("maybe")
