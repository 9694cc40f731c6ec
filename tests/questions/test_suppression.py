"""Primary and complementary suppression, and the audit as the release gate, on adversarial tables."""

from __future__ import annotations

import pytest

from commonground.questions.suppression import (
    DisclosureRisk,
    SuppressionError,
    audit,
    check_min_cell,
    check_release,
    protect,
)
from commonground.questions.suppression.lp import System, solve_ranges

from .tables import cube, published, release

K = 10


@pytest.mark.parametrize("bad", [2, 31, 0, "10", 10.0, True])
def test_minimum_cell_size_is_validated(bad: object) -> None:
    with pytest.raises(SuppressionError, match="minimum cell size"):
        check_min_cell(bad)


def test_minimum_cell_size_bounds_are_allowed() -> None:
    assert check_min_cell(3) == 3 and check_min_cell(30) == 30


def test_small_numerators_denominators_and_complements_are_hidden_zero_is_not() -> None:
    table = cube(
        ["school"], {("A",): (3, 50), ("B",): (0, 40), ("C",): (48, 50), ("D",): (20, 60), ("E",): (2, 5)}
    )
    out = protect(table, K).table.to_pylist()
    status = {r["school"]: r["status"] for r in out}
    assert status["A"] == status["C"] == status["E"] == "suppressed"  # 3 of 50; 2 left of 50; 5 students
    zero = next(r for r in out if r["school"] == "B")
    assert zero["status"] == "published" and zero["numerator"] == 0.0  # a true zero is shown as zero
    for r in out:
        if r["status"] == "suppressed":  # suppressed is never shown as a number, least of all zero
            assert r["numerator"] is None and r["denominator"] is None and r["value"] is None


def test_value_is_rounded_after_suppression() -> None:
    table = cube(["school"], {("A",): (10, 30), ("B",): (20, 30)})
    out = {r["school"]: r for r in protect(table, K, decimals=2).table.to_pylist()}
    assert out["A"]["value"] == 0.33 and out["A"]["numerator"] == 10.0


def test_exact_feasible_ranges_of_a_two_by_two_table() -> None:
    """Four hidden interior cells with published margins: rows 23, 40; columns 18, 45.
    r1c1 can be anything from 0 (r1c2 = 23, r2c1 = 18) to 18 (r1c2 = 5, r2c1 = 0)."""
    rows = [  # x = (r1c1, r1c2, r2c1, r2c2): numerators; denominators the same
        ((0, 1), (1.0, 1.0), 23.0, 23.0), ((2, 3), (1.0, 1.0), 40.0, 40.0),
        ((0, 2), (1.0, 1.0), 18.0, 18.0), ((1, 3), (1.0, 1.0), 45.0, 45.0),
    ]  # fmt: skip
    import numpy as np

    system = System(4, [(np.array(i), np.array(c), bn, bd) for i, c, bn, bd in rows], proportion=False)
    ranges = solve_ranges(system, K, exact=True)
    assert ranges.low[:, 0].tolist() == pytest.approx([0, 5, 0, 22])
    assert ranges.high[:, 0].tolist() == pytest.approx([18, 23, 18, 40])


def test_audit_refuses_a_single_hidden_cell_in_a_row() -> None:
    table = cube(["school"], {("A",): (3, 30), ("B",): (20, 30), ("C",): (15, 30)})
    bad = release(table, [{"school": "A"}])  # pinned: 38 − 20 − 15
    with pytest.raises(DisclosureRisk, match="school=A") as err:
        check_release(bad, K)
    assert any(e.low == e.high == 3 for e in err.value.exposures if e.quantity == "numerator")


def test_zeros_used_as_complements_are_caught() -> None:
    """Hiding a true zero next to a small cell protects nothing: with non-negativity A ∈ [0, 3]."""
    table = cube(["school"], {("A",): (3, 30), ("B",): (0, 30), ("C",): (15, 30)})
    bad = release(table, [{"school": "A"}, {"school": "B"}])
    report = audit(bad, K)
    assert not report.passed
    assert {(dict(e.cell)["school"], e.quantity) for e in report.exposures} >= {
        ("A", "numerator"),
        ("B", "numerator"),
    }
    good = protect(table, K)
    check_release(good.table, K)
    hidden = {r["school"] for r in good.table.to_pylist() if r["status"] == "suppressed"}
    assert "C" in hidden  # the non-zero cell had to be the complement


def test_a_column_whose_only_non_zero_cells_are_hidden_is_caught() -> None:
    """Column c1 holds 6 and 7 (both hidden), column c2 only zeros; row totals and c3 published pin them."""
    finest = {("r1", "c1"): (6, 6), ("r2", "c1"): (7, 7), ("r1", "c2"): (0, 0), ("r2", "c2"): (0, 0),
              ("r1", "c3"): (20, 20), ("r2", "c3"): (30, 30)}  # fmt: skip
    table = cube(["row", "col"], finest, proportion=False)
    bad = release(table, [{"row": "r1", "col": "c1"}, {"row": "r2", "col": "c1"}])
    with pytest.raises(DisclosureRisk) as err:
        check_release(bad, K)
    cells = {(dict(e.cell)["row"], dict(e.cell)["col"]) for e in err.value.exposures}
    assert cells == {("r1", "c1"), ("r2", "c1")}
    good = protect(table, K)
    assert audit(good.table, K, exact=True).passed


def test_totals_below_the_threshold_are_hidden_and_publishing_one_is_caught() -> None:
    table = cube(["school"], {("A",): (3, 3), ("B",): (5, 5)}, proportion=False)
    bad = release(table, [{"school": "A"}, {"school": "B"}])  # grand total 8 published
    with pytest.raises(DisclosureRisk):
        check_release(bad, K)
    good = protect(table, K)
    assert all(r["status"] == "suppressed" for r in good.table.to_pylist() if r["numerator"] != 0)
    total = next(r for r in good.table.to_pylist() if r["school"] == "All")
    assert total["status"] == "suppressed"


def test_margins_of_the_hierarchy_are_protected() -> None:
    """A small cell in a 3-way table: its grade total, school total and sex total must not give it away."""
    finest = {(s, g, x): (12, 40) for s in ("A", "B") for g in ("03", "04") for x in ("f", "m")}
    finest[("A", "03", "f")] = (2, 40)
    table = cube(["school", "grade", "sex"], finest)
    out = protect(table, K)
    report = audit(out.table, K, exact=True)
    assert report.passed
    widths = [hi - lo for cells in report.ranges.values() for r in cells.values() for lo, hi in r]
    assert min(widths) >= K
    assert out.primary == 1 and out.complementary >= 3


def test_two_releases_that_differ_by_one_student_are_caught() -> None:
    before = cube(["school"], {("A",): (12, 40), ("B",): (15, 50), ("C",): (20, 60)})
    first = protect(before, K).table
    after = cube(["school"], {("A",): (13, 41), ("B",): (15, 50), ("C",): (20, 60)})  # one more student at A
    naive = release(after, [])
    report = audit(naive, K, [first])
    assert {(dict(e.cell)["school"], e.reason) for e in report.exposures} == {
        ("A", "difference"),
        ("All", "difference"),
    }
    with pytest.raises(DisclosureRisk):
        check_release(naive, K, [first])
    try:
        second = protect(after, K, [first]).table
    except DisclosureRisk:
        return  # refusing is a safe answer too
    old = {r["school"]: r for r in published(first)}
    for r in published(second):
        if r["school"] in old:
            for q in ("numerator", "denominator"):
                diff = abs(r[q] - old[r["school"]][q])
                assert diff == 0 or diff >= K


def test_an_earlier_release_of_the_same_data_counts_as_published() -> None:
    """The earlier release (same data) published B; hiding A and B now would leave A = 45 − 15 − 25 − … pinned."""
    table = cube(["school"], {("A",): (4, 30), ("B",): (15, 30), ("C",): (25, 30)})
    earlier = release(table, [{"school": "A"}, {"school": "C"}])
    now = release(table, [{"school": "A"}, {"school": "B"}])
    assert audit(now, K).passed  # on its own it looks safe
    report = audit(now, K, [earlier])
    assert report.merged_releases == 1 and not report.passed
    assert any(dict(e.cell)["school"] == "A" for e in report.exposures)
    # and protect() with the earlier release must find a safe pattern or refuse
    try:
        out = protect(table, K, [earlier])
    except DisclosureRisk:
        return
    assert audit(out.table, K, [earlier], exact=True).passed


def test_inconsistent_published_totals_are_an_error_not_a_pass() -> None:
    table = cube(["school"], {("A",): (4, 30), ("B",): (15, 30), ("C",): (25, 30)})
    bad = release(table, [{"school": "A"}, {"school": "B"}]).to_pylist()
    for r in bad:
        if r["school"] == "All":
            r["numerator"] = 10.0  # less than the published C alone
    import pyarrow as pa

    with pytest.raises(SuppressionError, match="contradict"):
        audit(pa.Table.from_pylist(bad), K, proportions=["m"])


def test_an_incomplete_table_is_refused_clearly() -> None:
    table = cube(["row", "col"], {("r1", "c1"): (20, 20), ("r2", "c2"): (30, 30)})
    rows = [r for r in table.to_pylist() if not (r["row"] == "r1" and r["col"] == "c2")]
    import pyarrow as pa

    with pytest.raises(SuppressionError, match="not complete"):
        audit(release(pa.Table.from_pylist(rows), []), K)
