"""Property test: for random tables of 2–3 dimensions with every margin, a protected release never publishes
a count below the minimum and never leaves a hidden number whose exact feasible range is narrower than it."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.questions.suppression import DisclosureRisk, audit, protect

from .tables import cube, published

LEVELS = [["a", "b"], ["x", "y", "z"], ["p", "q"]]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], dict[tuple[str, ...], tuple[int, int]], int]:
    """A table of 2 or 3 dimensions whose finest cells hold 0–40 students, some of them flagged."""
    n_dims = draw(st.integers(2, 3))
    dims = ["d1", "d2", "d3"][:n_dims]
    finest = {}
    for key in itertools.product(*LEVELS[:n_dims]):
        den = draw(st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 40)))
        num = draw(st.integers(0, den))
        finest[key] = (num, den)
    return dims, finest, draw(st.sampled_from([3, 5, 10]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_protected_releases_publish_nothing_small_and_hide_nothing_recoverable(
    case: tuple[list[str], dict[tuple[str, ...], tuple[int, int]], int],
) -> None:
    dims, finest, k = case
    table = cube(dims, finest)
    try:
        out = protect(table, k)
    except DisclosureRisk:  # refusing is always safe; without earlier releases it should not happen
        raise AssertionError(
            f"protect() found no safe release for a single table: {dims} {finest} k={k}"
        ) from None
    for row in published(out.table):
        for number in (row["numerator"], row["denominator"], row["denominator"] - row["numerator"]):
            assert number == 0 or number >= k, row
    report = audit(out.table, k, exact=True)
    assert report.passed, report.exposures
    for cells in report.ranges.values():
        for ranges in cells.values():
            for low, high in ranges:
                assert high - low >= k - 1e-6
