"""The release CSV helpers (Django-free): merging breakdown sets, writing, reading back, splitting for the audit."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from commonground.questions.releases import (
    META_PROPORTIONS,
    ReleaseFormatError,
    audit_table,
    merge_tables,
    release_dims,
    release_rows,
    sha256_text,
    to_csv,
)


def _protected(dim: str | None, rows: list[tuple[str, float | None, float | None, str]]) -> pa.Table:
    """A protected table: (key, numerator, denominator, status) for measure ``m``."""
    columns: dict[str, list[object]] = {dim: [r[0] for r in rows]} if dim else {}
    columns.update(
        measure=["m"] * len(rows),
        numerator=[r[1] for r in rows],
        denominator=[r[2] for r in rows],
        value=[None if r[1] is None or not r[2] else r[1] / r[2] for r in rows],
        status=[r[3] for r in rows],
    )
    return pa.table(columns)


SCHOOL = _protected("school", [("All", 40, 80, "published"), ("A", 30, 60, "published"), ("B", None, None, "suppressed"),
                               ("C", None, None, "suppressed")])  # fmt: skip
GRADE = _protected(
    "grade", [("All", 40, 80, "published"), ("03", 20, 40, "published"), ("04", 20, 40, "published")]
)
TOTAL_ONLY = _protected(None, [("", 40, 80, "published")])


def test_breakdown_sets_merge_over_the_union_of_dimensions_with_all_for_totals() -> None:
    dims, rows = merge_tables([SCHOOL, GRADE, TOTAL_ONLY])
    assert dims == ["school", "grade"]
    text = to_csv(dims, rows)
    assert text.splitlines() == [
        "school,grade,measure,numerator,denominator,value,status",
        "All,All,m,40,80,0.5,published",  # the grand total once, though three tables publish it
        "A,All,m,30,60,0.5,published",
        "B,All,m,,,,suppressed",
        "C,All,m,,,,suppressed",
        "All,03,m,20,40,0.5,published",
        "All,04,m,20,40,0.5,published",
    ]


def test_a_cell_hidden_by_one_table_is_hidden_in_the_merged_release() -> None:
    hidden_total = _protected("grade", [("All", None, None, "suppressed"), ("03", None, None, "suppressed")])
    _dims, rows = merge_tables([SCHOOL, hidden_total])
    total = next(r for r in rows if r["school"] == "All" and r["grade"] == "All")
    assert (total["status"], total["numerator"], total["denominator"]) == ("suppressed", None, None)


def test_rows_read_back_with_numbers_and_empty_hidden_cells() -> None:
    text = to_csv(*merge_tables([SCHOOL]))
    rows = release_rows(text)
    assert release_dims(rows) == ["school"]
    assert rows[0] == {"school": "All", "measure": "m", "numerator": 40.0, "denominator": 80.0, "value": 0.5,
                       "status": "published"}  # fmt: skip
    assert rows[2] == {"school": "B", "measure": "m", "numerator": None, "denominator": None, "value": None,
                       "status": "suppressed"}  # fmt: skip
    assert release_dims([]) == []
    assert sha256_text(text) == sha256_text(text) and len(sha256_text(text)) == 64


def test_non_integral_numbers_keep_their_digits() -> None:
    rows = [
        {
            "measure": "m",
            "numerator": 8379.438,
            "denominator": 8864.75,
            "value": 0.9453,
            "status": "published",
        }
    ]
    assert to_csv([], rows).splitlines()[1] == "m,8379.438,8864.75,0.9453,published"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("school,measure,numerator,denominator,value\nA,m,1,2,0.5\n", "ends with the columns"),
        ("measure,numerator,denominator,value,status\nm,1,2,0.5,hidden\n", "line 2: status 'hidden'"),
        ("measure,numerator,denominator,value,status\nm,one,2,0.5,published\n", "line 2: numerator 'one'"),
    ],
)
def test_malformed_release_csv_is_refused_with_the_line(text: str, words: str) -> None:
    with pytest.raises(ReleaseFormatError, match=words):
        release_rows(text)


def test_audit_table_takes_one_breakdown_set_and_the_indicator_measures() -> None:
    rows = release_rows(to_csv(*merge_tables([SCHOOL, GRADE])))
    by_grade = audit_table(rows, ["grade"], ["m"], ["m"])
    assert by_grade.column_names == ["grade", "measure", "numerator", "denominator", "value", "status"]
    assert by_grade.column("grade").to_pylist() == ["All", "03", "04"]
    assert json.loads(by_grade.schema.metadata[META_PROPORTIONS]) == ["m"]
    total = audit_table(rows, [], ["m"], [])
    assert total.num_rows == 1 and total.column("numerator").to_pylist() == [40.0]
    assert audit_table(rows, ["school"], ["other"], []).num_rows == 0
    with pytest.raises(ReleaseFormatError, match="no sex column"):
        audit_table(rows, ["sex"], ["m"], [])
