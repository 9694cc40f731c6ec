"""The vetted model template for people in education and community records (Splink 5 settings, DuckDB SQL).

Comparisons, most to least specific level; each level carries a starting ``m`` (how often a true match falls in
it) that training refines. Names fold case and accents first (:mod:`.prepare`).

- ``first_name``: exact (term-frequency adjusted), first/last swapped, nickname or preferred name, Jaro-Winkler
  ≥ 0.92, ≥ 0.88, the other record's middle name, Levenshtein ≤ 2, else.
- ``surname``: exact (term-frequency adjusted), swapped, any part of a two-part or hyphenated surname,
  Jaro-Winkler ≥ 0.92, ≥ 0.88, Levenshtein ≤ 2, else.
- ``birth_date``: exact, day and month transposed, year off by one, one other component off, else.
- ``address``: ONE comparison of street and postcode together (exact, similar street, same postcode only,
  else) — separate street/city/postcode comparisons would teach the model that "same address" means "same
  person" and lose children who moved.
- ``phone``, ``email``, ``sex``, and ``school_grade`` (same school and grade, same grade, adjacent grade or
  same school, else) as context.
"""

from __future__ import annotations

from typing import Any, Literal

import pyarrow as pa
from splink import SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from .blocking import blocking_rules

LinkType = Literal["link_only", "dedupe_only"]


def _jw(col: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({col}_l, {col}_r) >= {threshold}"


def _level(sql: str, label: str, m: float, u: float, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u, **extra}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


def _else(m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "else", "m_probability": m, "u_probability": u}


def _tf(col: str) -> dict[str, Any]:
    return {"tf_adjustment_column": col, "tf_adjustment_weight": 1.0, "tf_minimum_u_value": 0.0001}


FIRST_NAME: dict[str, Any] = {
    "output_column_name": "first_name",
    "comparison_description": "first name",
    "comparison_levels": [
        _null("first_name_l IS NULL OR first_name_r IS NULL"),
        _level("first_name_l = first_name_r", "exact", 0.80, 0.004, **_tf("first_name")),
        _level(
            "first_name_l = surname_r AND surname_l = first_name_r", "first and last swapped", 0.002, 1e-5
        ),
        _level("list_has_any(first_nicks_l, first_nicks_r)", "nickname or preferred name", 0.10, 0.003),
        _level(_jw("first_name", 0.92), "Jaro-Winkler >= 0.92", 0.04, 0.001),
        _level(_jw("first_name", 0.88), "Jaro-Winkler >= 0.88", 0.015, 0.001),
        _level(
            "first_name_l = middle_name_r OR middle_name_l = first_name_r",
            "goes by middle name",
            0.005,
            0.002,
        ),
        _level("levenshtein(first_name_l, first_name_r) <= 2", "Levenshtein <= 2", 0.01, 0.004),
        _else(0.028, 0.985),
    ],
}

SURNAME: dict[str, Any] = {
    "output_column_name": "surname",
    "comparison_description": "surname",
    "comparison_levels": [
        _null("surname_l IS NULL OR surname_r IS NULL"),
        _level("surname_l = surname_r", "exact", 0.88, 0.002, **_tf("surname")),
        _level(
            "surname_l = first_name_r AND first_name_l = surname_r", "first and last swapped", 0.002, 1e-5
        ),
        _level("list_has_any(surname_parts_l, surname_parts_r)", "a part of the surname", 0.05, 0.0003),
        _level(_jw("surname", 0.92), "Jaro-Winkler >= 0.92", 0.03, 0.0004),
        _level(_jw("surname", 0.88), "Jaro-Winkler >= 0.88", 0.01, 0.0003),
        _level("levenshtein(surname_l, surname_r) <= 2", "Levenshtein <= 2", 0.008, 0.003),
        _else(0.02, 0.994),
    ],
}

_SAME_Y, _SAME_M, _SAME_D = (f"birth_{p}_l = birth_{p}_r" for p in ("year", "month", "day"))
BIRTH_DATE: dict[str, Any] = {
    "output_column_name": "birth_date",
    "comparison_description": "date of birth",
    "comparison_levels": [
        _null("birth_date_l IS NULL OR birth_date_r IS NULL"),
        _level("birth_date_l = birth_date_r", "exact", 0.93, 0.0003),
        _level(
            f"{_SAME_Y} AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
            "day and month transposed",
            0.03,
            0.0001,
        ),
        _level(
            f"{_SAME_M} AND {_SAME_D} AND abs(birth_year_l - birth_year_r) = 1",
            "year off by one",
            0.01,
            0.0004,
        ),
        _level(
            f"(CAST({_SAME_Y} AS INTEGER) + CAST({_SAME_M} AS INTEGER) + CAST({_SAME_D} AS INTEGER)) = 2",
            "one component off",
            0.015,
            0.01,
        ),
        _else(0.015, 0.989),
    ],
}

_SAME_POSTCODE = "(postcode_l = postcode_r OR postcode_l IS NULL OR postcode_r IS NULL)"
ADDRESS: dict[str, Any] = {
    "output_column_name": "address",
    "comparison_description": "address (street and postcode as one)",
    "comparison_levels": [
        _null("(street_l IS NULL OR street_r IS NULL) AND (postcode_l IS NULL OR postcode_r IS NULL)"),
        _level(f"street_l = street_r AND {_SAME_POSTCODE}", "same address", 0.80, 0.0003),
        _level(f"{_jw('street', 0.9)} AND {_SAME_POSTCODE}", "similar street", 0.04, 0.003),
        _level("postcode_l = postcode_r", "same postcode only", 0.10, 0.14),
        _else(0.06, 0.857),
    ],
}


def _exact_comparison(col: str, description: str, m_exact: float, u_exact: float) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": description,
        "comparison_levels": [
            _null(f"{col}_l IS NULL OR {col}_r IS NULL"),
            _level(f"{col}_l = {col}_r", "exact", m_exact, u_exact),
            _else(round(1 - m_exact, 6), round(1 - u_exact, 6)),
        ],
    }


SCHOOL_GRADE: dict[str, Any] = {
    "output_column_name": "school_grade",
    "comparison_description": "school and grade",
    "comparison_levels": [
        _null("(school_l IS NULL OR school_r IS NULL) AND (grade_l IS NULL OR grade_r IS NULL)"),
        _level("school_l = school_r AND grade_l = grade_r", "same school and grade", 0.75, 0.02),
        _level("grade_l = grade_r", "same grade", 0.15, 0.06),
        _level(
            "abs(grade_l - grade_r) = 1 OR school_l = school_r", "adjacent grade or same school", 0.07, 0.19
        ),
        _else(0.03, 0.73),
    ],
}

ID_NUMBER: dict[str, Any] = {
    "output_column_name": "id_number",
    "comparison_description": "national, state or local person id",
    "comparison_levels": [
        _null("id_number_l IS NULL OR id_number_r IS NULL"),
        _level("id_number_l = id_number_r", "exact", 0.9, 1e-5),
        _level("levenshtein(id_number_l, id_number_r) <= 1", "one character off", 0.05, 1e-4),
        _else(0.05, 0.99989),
    ],
}

COMPARISONS: tuple[dict[str, Any], ...] = (
    FIRST_NAME,
    SURNAME,
    BIRTH_DATE,
    ADDRESS,
    _exact_comparison("phone", "phone", 0.85, 0.0003),
    _exact_comparison("email", "email", 0.9, 0.0001),
    _exact_comparison("sex", "sex", 0.97, 0.5),
    SCHOOL_GRADE,
    ID_NUMBER,
)


#: Levels that are rare by nature: when training sees none of them the template's values are expected.
RARE_LEVELS = frozenset(
    {
        ("first_name", "first and last swapped"),
        ("first_name", "goes by middle name"),
        ("surname", "first and last swapped"),
        ("birth_date", "year off by one"),
        ("birth_date", "one component off"),
        ("address", "similar street"),
        ("id_number", "one character off"),
    }
)

#: Prepared columns each comparison reads; it is used only when every side has a value in one of them.
NEEDS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name",),
    "surname": ("surname",),
    "birth_date": ("birth_date",),
    "address": ("street", "postcode"),
    "phone": ("phone",),
    "email": ("email",),
    "sex": ("sex",),
    "school_grade": ("school", "grade"),
    "id_number": ("id_number",),
}


def usable_comparisons(sides: list[pa.Table]) -> list[str]:
    """The comparisons the data can feed: a column empty on one side would only add noise to training."""

    def present(table: pa.Table, column: str) -> bool:
        return table.column(column).null_count < table.num_rows

    return [
        name
        for name in comparison_names()
        if all(any(present(side, col) for col in NEEDS[name]) for side in sides)
    ]


def _without_parameters(comparison: dict[str, Any]) -> dict[str, Any]:
    levels = [
        {k: v for k, v in level.items() if k not in ("m_probability", "u_probability")}
        for level in comparison["comparison_levels"]
    ]
    return {**comparison, "comparison_levels": levels}


def settings(
    link_type: LinkType,
    probability_two_random_records_match: float = 1e-4,
    *,
    names: list[str] | None = None,
    with_parameters: bool = False,
) -> SettingsCreator:
    """The template as Splink settings for ``link_only`` (two files) or ``dedupe_only`` (one file).

    ``names`` keeps only those comparisons (default: all). Training starts without the template's m and u
    values (``with_parameters=False``) so that what the data could not estimate stays visible to
    :func:`.checks.check_training`; :func:`.train.regularise` fills it in.
    """
    chosen = [c for c in COMPARISONS if names is None or c["output_column_name"] in names]
    comparisons: list[ComparisonCreator | dict[str, Any]] = [
        dict(c) if with_parameters else _without_parameters(c) for c in chosen
    ]
    rules: list[BlockingRuleCreator | dict[str, Any]] = list(blocking_rules())
    return SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source_group"],
        unique_id_column_name="unique_id",
        max_iterations=20,
        em_convergence=0.001,
    )


def comparison_names() -> list[str]:
    """Output names of the template's comparisons, in order."""
    return [str(c["output_column_name"]) for c in COMPARISONS]


def level_labels(name: str) -> list[str]:
    """Labels of one comparison's non-null levels, most specific first."""
    comp = next(c for c in COMPARISONS if c["output_column_name"] == name)
    return [lvl["label_for_charts"] for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]


def gamma_of(name: str, label: str) -> int:
    """The ``gamma_`` value Splink gives a level (else is 0, the most specific level the highest)."""
    labels = level_labels(name)
    return len(labels) - 1 - labels.index(label)
