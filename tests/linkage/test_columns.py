"""Recognising columns by their headers, reading birth dates in any layout, and --columns overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from commonground.linkage.engine.adhoc import parse_overrides
from commonground.linkage.engine.columns import detect_columns, read_dates
from commonground.linkage.engine.files import InputError

LAYOUTS = [
    # (headers, expected field → header)
    (["rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
      "date_of_birth", "soc_sec_id"],
     {"id": "rec_id", "first_name": "given_name", "last_name": "surname", "birth_date": "date_of_birth",
      "address": "street_number+address_1+address_2", "city": "suburb", "postal_code": "postcode",
      "national_id": "soc_sec_id"}),
    (["MRN", "Pt Last", "Pt First", "DOB (M/D/YYYY)", "Sex", "School", "Grd", "Guardian", "Phone", "Street", "Zip"],
     {"id": "MRN", "first_name": "Pt First", "last_name": "Pt Last", "birth_date": "DOB (M/D/YYYY)", "sex": "Sex",
      "grade_level": "Grd", "address": "Street", "postal_code": "Zip"}),
    (["Participant ID", "Last Name", "First Name", "Birthdate", "Gender", "Parent/Guardian", "Phone", "Address"],
     {"id": "Participant ID", "first_name": "First Name", "birth_date": "Birthdate", "sex": "Gender",
      "phone": "Phone"}),
    (["Mentee ID", "Student First Name", "Student Last Name", "DOB (dd/mm/yyyy)", "Guardian Phone", "Home Address"],
     {"id": "Mentee ID", "first_name": "Student First Name", "last_name": "Student Last Name",
      "birth_date": "DOB (dd/mm/yyyy)", "phone": "Guardian Phone", "address": "Home Address"}),
    (["PersonalID", "HouseholdID", "FirstName", "LastName", "DOB", "DOBDataQuality", "Gender", "ZIP"],
     {"id": "PersonalID", "first_name": "FirstName", "last_name": "LastName", "birth_date": "DOB",
      "postal_code": "ZIP"}),
    (["StudentUniqueId", "FirstName", "MiddleName", "LastSurname", "BirthDate", "Sex"],
     {"id": "StudentUniqueId", "middle_name": "MiddleName", "last_name": "LastSurname", "birth_date": "BirthDate"}),
    (["sourcedId", "givenName", "familyName", "middleName", "birthDate", "email", "sms"],
     {"id": "sourcedId", "first_name": "givenName", "last_name": "familyName", "email": "email"}),
    ([" id ", " Given Name ", " Surname ", " Date of Birth ", " Post Code "],
     {"id": " id ", "first_name": " Given Name ", "last_name": " Surname ", "birth_date": " Date of Birth ",
      "postal_code": " Post Code "}),
    (["ID", "Forename", "Family name", "D.O.B.", "E-mail", "Tel"],
     {"first_name": "Forename", "last_name": "Family name", "birth_date": "D.O.B.", "email": "E-mail",
      "phone": "Tel"}),
    (["Record ID", "first", "last", "Birth Day", "Zip Code", "Cell"],
     {"id": "Record ID", "first_name": "first", "last_name": "last", "birth_date": "Birth Day",
      "postal_code": "Zip Code", "phone": "Cell"}),
    (["Student ID", "Nombre", "Apellidos", "Fecha de nacimiento", "Escuela"],
     {"id": "Student ID", "first_name": "Nombre", "last_name": "Apellidos", "birth_date": "Fecha de nacimiento"}),
    (["\ufeffClient ID", "FNAME", "LNAME", "MI", "BDATE", "SSN", "City", "State"],
     {"id": "\ufeffClient ID", "first_name": "FNAME", "last_name": "LNAME", "middle_name": "MI",
      "birth_date": "BDATE", "national_id": "SSN", "city": "City", "state": "State"}),
]  # fmt: skip


@pytest.mark.parametrize(("headers", "expected"), LAYOUTS, ids=[h[0][0].strip() for h in LAYOUTS])
def test_detects_columns_by_header(headers: list[str], expected: dict[str, str]) -> None:
    found = detect_columns(headers)
    for field, header in expected.items():
        assert found.get(field) == header.split("+"), field


def test_guardian_and_program_dates_are_not_taken_for_the_child() -> None:
    found = detect_columns(["Child First", "Guardian", "Program Start", "Last Visit", "DOB"])
    assert "birth_date" in found and found["birth_date"] == ["DOB"]
    assert not any("Guardian" in hs or "Program Start" in hs for hs in found.values())


def test_overrides_win_and_free_their_header() -> None:
    found = detect_columns(["Given", "Name", "DOB"], {"first_name": ["Given"], "last_name": ["Name"]})
    assert (
        found["first_name"] == ["Given"] and found["last_name"] == ["Name"] and found["birth_date"] == ["DOB"]
    )


def test_parse_overrides_in_both_forms() -> None:
    assert parse_overrides(["first_name=Given, address=No+Street"]) == {"first_name": ["Given"],
                                                                        "address": ["No", "Street"]}  # fmt: skip
    assert parse_overrides(['{"birth_date": "Born", "address": ["A", "B"]}']) == {"birth_date": ["Born"],
                                                                                  "address": ["A", "B"]}  # fmt: skip
    for bad in ("colour=Red", "first_name", "{not json", "[1, 2]"):
        with pytest.raises(InputError):
            parse_overrides([bad])


def test_dates_month_first_unless_a_day_over_12_says_otherwise() -> None:
    us = read_dates(["3/4/2012", "12/1/2010"], "DOB")
    assert us.values == [dt.date(2012, 3, 4), dt.date(2010, 12, 1)] and us.ambiguous
    eu = read_dates(["3/4/2012", "13/1/2010"], "DOB")
    assert eu.values == [dt.date(2012, 4, 3), dt.date(2010, 1, 13)] and not eu.ambiguous


def test_dates_follow_the_header_hint() -> None:
    reading = read_dates(["3/4/2012"], "DOB (dd/mm/yyyy)")
    assert reading.values == [dt.date(2012, 4, 3)] and not reading.ambiguous


@pytest.mark.parametrize(("texts", "expected"), [
    (["19890521", "20120403"], [dt.date(1989, 5, 21), dt.date(2012, 4, 3)]),
    (["2012-04-03", "2012-04-03 00:00:00"], [dt.date(2012, 4, 3)] * 2),
    (["03.04.2012"], [dt.date(2012, 4, 3)]),
])  # fmt: skip
def test_date_layouts(texts: list[str], expected: list[dt.date]) -> None:
    assert read_dates(texts).values == expected


def test_impossible_dates_are_counted_not_guessed() -> None:
    reading = read_dates(["19890521", "19991331", None])
    assert reading.values == [dt.date(1989, 5, 21), None, None]
    assert reading.failed == 1 and reading.examples == ["19991331"]
