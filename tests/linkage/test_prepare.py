"""Normalisation of person records into the model's columns (Django-free, milliseconds)."""

from __future__ import annotations

import pytest

from commonground.linkage.engine import prepare as prep
from commonground.linkage.engine.names import fold, nickname_group, soundex, surname_parts
from tests.linkage.conftest import people


def test_fold_removes_case_accents_and_punctuation() -> None:
    assert fold("  O'Brien-SMITH ") == "obrien smith"
    assert fold("Patiño") == fold("PATINO") == "patino"
    assert fold("  ") is None


@pytest.mark.parametrize(("nick", "formal"), [("Bill", "William"), ("Bob", "Robert"), ("Liz", "Elizabeth"),
                                              ("Mikey", "Michael"), ("Alex", "Alexander")])  # fmt: skip
def test_nickname_groups_overlap(nick: str, formal: str) -> None:
    assert set(nickname_group(fold(nick))) & set(nickname_group(fold(formal)))


def test_unrelated_names_do_not_share_a_group() -> None:
    assert not set(nickname_group("william")) & set(nickname_group("sophia"))


def test_surname_parts_and_suffixes() -> None:
    assert surname_parts(fold("García-López Jr.")) == ["garcia", "lopez"]
    assert surname_parts(fold("De la Cruz")) == ["de", "la", "cruz"]


def test_soundex() -> None:
    assert soundex("robert") == soundex("rupert") == "R163"
    assert soundex("ashcraft") == "A261"


def test_prepare_builds_the_model_columns() -> None:
    table = people([{"unique_id": 1, "first_name": " BILL ", "last_name": "García-López", "birth_date": "2012-04-03",
                     "address": "4697 Union Street", "postal_code": "61293-1234", "phone": "+1 (309) 236-3715",
                     "sex": "Man (Boy, if child)"}])  # fmt: skip
    row = prep.prepare(table).to_pylist()[0]
    assert tuple(prep.prepare(table).column_names) == prep.MODEL_COLUMNS
    assert row["first_name"] == "bill" and "william" in row["first_nicks"]
    assert row["surname"] == "garcia lopez" and row["surname_parts"] == ["garcia", "lopez"]
    assert (row["birth_year"], row["birth_month"], row["birth_day"]) == (2012, 4, 3)
    assert row["street"] == "4697 union st" and row["postcode"] == "61293"
    assert row["address"] == "4697 union st 61293"
    assert row["phone"] == "3092363715" and row["sex"] == "m"


def test_missing_columns_are_unknown_not_errors() -> None:
    row = prep.prepare(people([{"unique_id": 7, "first_name": "Ann"}])).to_pylist()[0]
    assert row["surname"] is None and row["birth_date"] is None and row["address"] is None


@pytest.mark.parametrize(("raw", "expected"), [("KG", 0), ("PK", -1), ("06", 6), ("6th", 6), ("Grade 3", 3),
                                               ("college", None)])  # fmt: skip
def test_grades(raw: str, expected: int | None) -> None:
    assert prep.normalise_grade(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("2134", "02134"), ("61293-1234", "61293"), ("61293.0", "61293"),
                                               ("SW1A 1AA", "SW1A1AA")])  # fmt: skip
def test_postcodes(raw: str, expected: str) -> None:
    assert prep.normalise_postcode(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("F", "f"), ("female", "f"), ("Woman (Girl, if child)", "f"),
                                               ("M", "m"), ("X", "x"), ("Client doesn't know", None), ("U", None),
                                               ("", None)])  # fmt: skip
def test_sexes(raw: str, expected: str | None) -> None:
    assert prep.normalise_sex(raw) == expected
