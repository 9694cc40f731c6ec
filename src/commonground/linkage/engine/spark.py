"""The same trained model on Apache Spark (Splink's Spark backend): its SQL rewritten for Spark SQL.

The template is written in DuckDB SQL. Two functions have other names on Spark — ``list_has_any`` is
``arrays_overlap`` and Splink's Spark jar provides ``jaro_winkler`` — and Spark quotes identifiers with
backticks. Everything else the template uses (``levenshtein``, ``abs``, ``CAST``) is the same. Scoring is
all Spark has to do: the twins guard and one-to-one (:func:`.decide.decide`) run over the scored pairs.
"""

from __future__ import annotations

import copy
import re
from typing import Any

_FUNCTIONS = {"list_has_any": "arrays_overlap", "jaro_winkler_similarity": "jaro_winkler"}
_CALL = re.compile(r"\b(" + "|".join(_FUNCTIONS) + r")\s*\(", re.IGNORECASE)
_QUOTED = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"')


def to_spark_sql(sql: str) -> str:
    """One SQL condition of the template in Spark SQL.

    >>> to_spark_sql('list_has_any(first_nicks_l, first_nicks_r) AND l."birth_date" = r."birth_date"')
    'arrays_overlap(first_nicks_l, first_nicks_r) AND l.`birth_date` = r.`birth_date`'
    """
    renamed = _CALL.sub(lambda m: _FUNCTIONS[m.group(1).lower()] + "(", sql)
    return _QUOTED.sub(r"`\1`", renamed)


def spark_model(model: dict[str, Any]) -> dict[str, Any]:
    """A trained model's JSON (DuckDB) made ready for ``Linker(..., SparkAPI)``; the weights are untouched."""
    out = copy.deepcopy(model)
    out["sql_dialect"] = "spark"
    for comparison in out.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if isinstance(level.get("sql_condition"), str):
                level["sql_condition"] = to_spark_sql(level["sql_condition"])
            level.pop("sql_dialect", None)
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, dict) and isinstance(rule.get("blocking_rule"), str):
            rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
            rule["sql_dialect"] = "spark"
    return out
