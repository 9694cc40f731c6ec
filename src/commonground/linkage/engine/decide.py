"""From scored pairs to decisions: thresholds, the twins-and-siblings guard, one-to-one, contributions.

- ``link`` at or above the upper threshold, ``review`` between the thresholds, ``no_link`` otherwise.
- The guard: two records of one family (same surname or a part of it, same address or same phone) are
  twins or siblings, never one child, when their first names are not the same name, when their birth dates
  disagree outright, or when the first names only look alike and the recorded sex disagrees. Names are "not
  the same" when no level above Levenshtein ≤ 2 holds, and at that level too when both spellings are
  established names (each seen at least twice in the data) or start differently: "Ava" and "Eva" are sisters,
  "Sata" is a typo of "Sara". Household evidence (address, phone, surname) is shared by siblings, so without
  the guard it would outvote everything else. A family pair with no birth date on one side and first names
  that are not identical goes to review at most: nothing tells a sibling apart. So does, within one roster
  (same ``source_group``, or one file), a family pair born the same day whose first names are related but not
  the same spelling ("Emma" and "Emily" are nicknames of each other in the list, and also twin sisters).
- One-to-one (when both sides are free of duplicates): greedily by probability, each record links to at most one
  record of each group on the other side (a district student to one record per partner roster).
- Every pair carries each comparison's contribution in bits (``mw_<comparison>``, term frequency included) and
  its level's label (``level_<comparison>``) for a waterfall chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import model as template

LINK, REVIEW, NO_LINK = "link", "review", "no_link"
GUARD_REASON = "twins or siblings: one family, different first names or birth dates"
CAPPED_REASON = "review: a sibling or twin could look like this"
ONE_TO_ONE_REASON = "one-to-one: a more likely match was taken"


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities: auto-link at or above ``upper``, review from ``lower`` up to ``upper``."""

    upper: float = 0.99
    lower: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.lower <= self.upper < 1:
            raise ValueError(
                f"thresholds must satisfy 0 < lower <= upper < 1 (got {self.lower}, {self.upper})"
            )


def _g(name: str, label: str) -> int:
    return template.gamma_of(name, label)


def _conditions(records: int, names: list[str]) -> tuple[str, str]:
    """SQL for (forbidden: twins or siblings, capped at review: a sibling cannot be ruled out)."""
    if "first_name" not in names:
        return "FALSE", "FALSE"
    common = f"least(tf_first_name_l, tf_first_name_r) * {max(records, 1)} >= 1.5"
    initials = "left(first_name_l, 1) <> left(first_name_r, 1)"
    first_differs = (
        f"(gamma_first_name = {_g('first_name', 'else')} OR "
        f"(gamma_first_name = {_g('first_name', 'Levenshtein <= 2')} AND ({common} OR {initials})))"
    )
    first_not_exact = f"gamma_first_name BETWEEN 0 AND {_g('first_name', 'exact') - 1}"
    shared = {
        "surname": f"gamma_surname >= {_g('surname', 'a part of the surname')}",
        "address": f"gamma_address >= {_g('address', 'similar street')}",
        "phone": f"gamma_phone = {_g('phone', 'exact')}",
    }
    family = " OR ".join(sql for name, sql in shared.items() if name in names) or "FALSE"
    dob_differs = f"gamma_birth_date = {_g('birth_date', 'else')}" if "birth_date" in names else "FALSE"
    dob_unknown = "gamma_birth_date = -1" if "birth_date" in names else "TRUE"
    sex_differs = f"gamma_sex = {_g('sex', 'else')}" if "sex" in names else "FALSE"
    forbidden = (
        f"(({family}) AND ({first_differs} OR {dob_differs} OR ({first_not_exact} AND {sex_differs})))"
    )
    related_levels = ("nickname or preferred name", "Jaro-Winkler >= 0.88", "goes by middle name")
    related = f"gamma_first_name IN ({', '.join(str(_g('first_name', lv)) for lv in related_levels)})"
    born_together = (
        f"gamma_birth_date >= {_g('birth_date', 'day and month transposed')}"
        if "birth_date" in names
        else "FALSE"
    )
    same_roster = "coalesce(source_group_l, '') = coalesce(source_group_r, '')"
    twins_maybe = f"({same_roster} AND {born_together} AND {related})"
    capped = f"(({family}) AND (({first_not_exact} AND {dob_unknown}) OR {twins_maybe}))"
    return forbidden, capped


def guard_sql(records: int, names: list[str]) -> str:
    """SQL (over a predictions table of ``records`` records, comparing ``names``) true for forbidden pairs."""
    return _conditions(records, names)[0]


def _label_sql(name: str) -> str:
    labels = template.level_labels(name)
    whens = " ".join(f"WHEN {len(labels) - 1 - i} THEN '{label}'" for i, label in enumerate(labels))
    return f"CASE gamma_{name} {whens} ELSE 'null' END AS level_{name}"


def _contribution_sql(name: str, columns: set[str]) -> str:
    tf = f" + coalesce(mw_tf_adj_{name}, 0)" if f"mw_tf_adj_{name}" in columns else ""
    return f"coalesce(mw_{name}, 0){tf} AS mw_{name}"


def decide(
    con: duckdb.DuckDBPyConnection,
    predictions: str,
    thresholds: Thresholds,
    *,
    one_to_one: bool,
    records: int,
    names: list[str],
) -> pa.Table:
    """Decide every scored pair in the table ``predictions`` (Splink's output over the comparisons ``names``)."""
    columns = {row[0] for row in con.sql(f"DESCRIBE {predictions}").fetchall()}
    forbidden, capped = _conditions(records, names)
    select = ", ".join(
        [
            "unique_id_l AS left_id",
            "unique_id_r AS right_id",
            "source_group_l AS left_group",
            "source_group_r AS right_group",
            "match_probability",
            "match_weight",
            f"{forbidden} AS guarded",
            f"{capped} AS capped",
            *(_contribution_sql(n, columns) for n in names),
            *(_label_sql(n) for n in names),
        ]
    )
    # The SQL is built from the template's own labels and Splink's table name, never from input data.
    query = f"SELECT {select} FROM {predictions} WHERE match_probability >= {thresholds.lower!r} "  # noqa: S608
    table = con.sql(query + "ORDER BY match_probability DESC, left_id, right_id").to_arrow_table()
    prob = table.column("match_probability").to_numpy()
    decision = np.where(prob >= thresholds.upper, LINK, REVIEW).astype(object)
    reason = np.full(table.num_rows, "", dtype=object)
    capped_rows = table.column("capped").to_numpy(zero_copy_only=False).astype(bool) & (decision == LINK)
    decision[capped_rows] = REVIEW
    reason[capped_rows] = CAPPED_REASON
    guarded = table.column("guarded").to_numpy(zero_copy_only=False).astype(bool)
    decision[guarded] = NO_LINK
    reason[guarded] = GUARD_REASON
    if one_to_one:
        _one_to_one(table, decision, reason)
    table = table.drop_columns(["guarded", "capped"])
    return table.append_column("decision", pa.array(decision, pa.string())).append_column(
        "reason", pa.array(reason, pa.string())
    )


def _one_to_one(table: pa.Table, decision: np.ndarray, reason: np.ndarray) -> None:
    """Greedy by probability (the table is sorted): drop a pair when either record is already taken."""
    left = table.column("left_id").to_pylist()
    right = table.column("right_id").to_pylist()
    right_group = pc.fill_null(table.column("right_group"), "").to_pylist()
    left_group = pc.fill_null(table.column("left_group"), "").to_pylist()
    taken_left: set[tuple[str, str]] = set()
    taken_right: set[tuple[str, str]] = set()
    for i in range(len(left)):
        if decision[i] == NO_LINK:
            continue
        key_l, key_r = (left[i], right_group[i]), (right[i], left_group[i])
        if key_l in taken_left or key_r in taken_right:
            decision[i] = NO_LINK
            reason[i] = ONE_TO_ONE_REASON
            continue
        taken_left.add(key_l)
        taken_right.add(key_r)
