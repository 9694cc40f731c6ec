"""The blocking rules: which pairs of records are scored at all (the rest are taken as non-matches)."""

from __future__ import annotations

from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator


def blocking_rules() -> list[BlockingRuleCreator]:
    """Rules that generate the pairs to score: each is an equi-join, their union keeps ≥ 99.5% of true pairs.

    A true pair survives when any rule holds, so each covers errors the others cannot. Measured on the
    1,000,000-student community (373,278 partner records, 362,141 true pairs; 3.4 million pairs in all), the
    pairs each rule adds beyond the rules before it, and the true pairs among them:

    1. same birth date and surname Soundex — 660,203 pairs, 347,069 true: the bulk;
    2. same birth date and a shared name of the nickname groups (exploded, so Bill meets William) — 503,219,
       3,923: a shortened two-part surname, a typo at the start of a surname;
    3. a shared nickname-group name, surname Soundex and birth year — 774,231, 3,741: a wrong day or month;
    4. a shared nickname-group name, surname Soundex and postcode — 1,325,463, 5,980: no birth date;
    5. phone and first initial — 32,996, 1,235; 6. street and first initial — 138,377, 120.

    Birth date with postcode (12.5 million more pairs for 11 true ones) and surname Soundex with birth year and
    first initial (7.5 million for 1) were measured and left out.
    """
    return [
        block_on("birth_date", "surname_sx"),
        block_on("birth_date", "first_nicks", arrays_to_explode=["first_nicks"]),
        block_on("first_nicks", "surname_sx", "birth_year", arrays_to_explode=["first_nicks"]),
        block_on("first_nicks", "surname_sx", "postcode", arrays_to_explode=["first_nicks"]),
        block_on("phone", "first_initial"),
        block_on("street", "first_initial"),
    ]
