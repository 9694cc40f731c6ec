"""Comparison levels and decisions on hand-built records: nicknames, swapped dates, surname parts, twins."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from commonground.linkage.engine.decide import GUARD_REASON, LINK, NO_LINK
from commonground.linkage.engine.score import score_pairs
from tests.linkage.conftest import people

BASE = {"first_name": "William", "middle_name": "James", "last_name": "Smith", "birth_date": "2012-04-03",
        "sex": "M", "address": "12 Oak St", "postal_code": "61290", "phone": "309 555 0101"}  # fmt: skip


def _pair(left: dict[str, Any], right: dict[str, Any], *, same_roster: bool = False) -> dict[str, Any]:
    """Score one pair: a district record and a partner's, or two records of one roster."""
    groups = ("district", "district" if same_roster else "clinic")
    table = score_pairs(
        people([{"unique_id": "L", "source_group": groups[0], **left}]),
        people([{"unique_id": "R", "source_group": groups[1], **right}]),
    )
    assert table.num_rows == 1
    return dict(table.to_pylist()[0])


def test_nickname_equivalence_bill_and_william() -> None:
    pair = _pair(BASE, {**BASE, "first_name": "Bill", "middle_name": None})
    assert pair["level_first_name"] == "nickname or preferred name"
    assert pair["mw_first_name"] > 3
    assert pair["decision"] == LINK


def test_day_and_month_transposed() -> None:
    pair = _pair(BASE, {**BASE, "birth_date": "2012-03-04"})
    assert pair["level_birth_date"] == "day and month transposed"
    assert pair["mw_birth_date"] > 3
    assert pair["decision"] == LINK


def test_hyphenated_surname_matches_on_one_part() -> None:
    left = {**BASE, "last_name": "García-López"}
    for written in ("Lopez", "GARCIA", "Garcia Lopez"):
        pair = _pair(left, {**BASE, "last_name": written})
        assert pair["level_surname"] in {"a part of the surname", "exact"}, written
        assert pair["decision"] == LINK


def test_first_and_last_names_swapped() -> None:
    pair = _pair(BASE, {**BASE, "first_name": "Smith", "last_name": "William"})
    assert pair["level_first_name"] == "first and last swapped"
    assert pair["level_surname"] == "first and last swapped"


def test_contributions_add_up_to_the_match_weight() -> None:
    pair = _pair(BASE, {**BASE, "first_name": "Will", "address": "99 Elm St"})
    parts = sum(v for k, v in pair.items() if k.startswith("mw_"))
    prior = pair["match_weight"] - parts
    assert prior == pytest.approx(-13.29, abs=0.01)  # log2 of the template's prior odds, 1e-4


TWIN_A = {**BASE, "first_name": "Emma", "middle_name": None, "sex": "F"}


@pytest.mark.parametrize("twin_name", ["Olivia", "Ava", "Sophia"])
def test_twins_are_never_linked(twin_name: str) -> None:
    pair = _pair(TWIN_A, {**TWIN_A, "first_name": twin_name}, same_roster=True)
    assert pair["match_probability"] > 0.99  # everything else agrees: the model alone would link them
    assert pair["decision"] == NO_LINK
    assert pair["reason"] == GUARD_REASON


def test_twins_whose_names_the_nickname_list_relates_go_to_review_at_most() -> None:
    pair = _pair(TWIN_A, {**TWIN_A, "first_name": "Emily"}, same_roster=True)  # Emma: a nickname of Emily
    assert pair["level_first_name"] == "nickname or preferred name"
    assert pair["decision"] != LINK
    assert _pair(BASE, {**BASE, "first_name": "Bill"}, same_roster=True)["decision"] != LINK


def test_twins_of_different_sex_with_similar_names_are_not_linked() -> None:
    pair = _pair(
        {**TWIN_A, "first_name": "Daniela"}, {**TWIN_A, "first_name": "Daniel", "sex": "M"}, same_roster=True
    )
    assert pair["decision"] == NO_LINK


def test_siblings_sharing_a_first_name_are_not_linked() -> None:
    pair = _pair(BASE, {**BASE, "middle_name": None, "birth_date": "2015-09-21"}, same_roster=True)
    assert pair["decision"] == NO_LINK


def test_a_typo_in_a_first_name_still_links() -> None:
    pair = _pair({**BASE, "first_name": "Jennifer"}, {**BASE, "first_name": "Jenifer"})
    assert pair["decision"] == LINK


def test_score_pairs_compares_every_pair() -> None:
    table = score_pairs(people([{"unique_id": "a", **BASE}, {"unique_id": "b", **TWIN_A}]),
                        people([{"unique_id": "x", **BASE}]))  # fmt: skip
    assert isinstance(table, pa.Table)
    ids = zip(table.column("left_id").to_pylist(), table.column("right_id").to_pylist(), strict=True)
    assert sorted(ids) == [
        ("a", "x"),
        ("b", "x"),
    ]
