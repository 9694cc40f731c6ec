"""The engine end to end on generated data with ground truth: quality, twins, one-to-one, determinism, dedupe."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from commonground.linkage.engine.evalsets import EvalSet
from commonground.linkage.engine.evaluate import pairwise_quality
from commonground.linkage.engine.link import LinkConfig, LinkResult, dedupe_table, link_tables


@pytest.fixture(scope="module")
def linked(evalset: EvalSet) -> LinkResult:
    return link_tables(evalset.left, evalset.right, LinkConfig(seed=3), true_pairs=evalset.true_pairs)


def _pairs(table: pa.Table) -> set[tuple[str, str]]:
    return set(zip(table.column("left_id").to_pylist(), table.column("right_id").to_pylist(), strict=True))


def test_quality_on_a_2000_student_community(linked: LinkResult, evalset: EvalSet) -> None:
    quality = pairwise_quality(linked.links(), evalset.true_pairs)
    assert evalset.true_pairs.num_rows > 700
    assert quality.precision >= 0.99, quality.as_dict()
    assert quality.recall >= 0.95, quality.as_dict()
    assert linked.blocking_recall is not None and linked.blocking_recall >= 0.995
    assert not [c for c in linked.checks if c.severity == "error"]


def test_every_pair_explains_itself(linked: LinkResult) -> None:
    row = linked.links().slice(0, 1).to_pylist()[0]
    parts = sum(v for k, v in row.items() if k.startswith("mw_"))
    assert row["match_weight"] == pytest.approx(linked.prior_weight + parts, abs=1e-6)
    assert row["level_first_name"] and row["level_birth_date"]


def _twins(left: pa.Table) -> list[tuple[str, str]]:
    """District students sharing surname, birth date and address but not a first name."""
    groups: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for r in left.to_pylist():
        groups[(r["last_name"], str(r["birth_date"]), r["address"])].append((r["unique_id"], r["first_name"]))
    return [(a[0], b[0]) for g in groups.values() if len(g) == 2 for a, b in [g] if a[1] != b[1]]


def test_twins_are_never_linked_to_each_other(linked: LinkResult, evalset: EvalSet) -> None:
    twins = _twins(evalset.left)
    assert len(twins) >= 10  # the generator makes about 2% of students twins
    truth = {b: a for a, b in _pairs(evalset.true_pairs)}
    crossed = [(a, b) for a, b in _pairs(linked.links()) if truth.get(b) and truth[b] != a and
               any({a, truth[b]} == set(t) for t in twins)]  # fmt: skip
    assert crossed == []


def test_crafted_twins_each_link_to_their_own_record(evalset: EvalSet) -> None:
    a, b = _twins(evalset.left)[0]
    left = evalset.left.slice(0, 300)
    twin_rows = evalset.left.filter(pc.is_in(evalset.left.column("unique_id"), pa.array([a, b])))
    left = pa.concat_tables(
        [left.filter(pc.invert(pc.is_in(left.column("unique_id"), pa.array([a, b])))), twin_rows]
    )
    right = twin_rows.set_column(
        0, "unique_id", pc.binary_join_element_wise("partner", twin_rows.column(0), ":")
    )
    right = right.set_column(1, "source_group", pa.array(["partner"] * 2))
    result = link_tables(left, right, LinkConfig(seed=3))
    assert _pairs(result.links()) == {(a, f"partner:{a}"), (b, f"partner:{b}")}


def _small(evalset: EvalSet, n: int = 300) -> tuple[pa.Table, pa.Table]:
    left = evalset.left.slice(0, n)
    keep = pc.is_in(evalset.true_pairs.column("left_id"), left.column("unique_id"))
    right_ids = evalset.true_pairs.filter(keep).column("right_id")
    return left, evalset.right.filter(pc.is_in(evalset.right.column("unique_id"), right_ids))


def test_one_to_one_within_a_roster_but_not_across_rosters(evalset: EvalSet) -> None:
    left, right = _small(evalset)
    child = left.slice(5, 1).to_pylist()[0]
    copies = [{**child, "unique_id": "clinic:copy", "source_group": "clinic"},
              {**child, "unique_id": "clinic:typo", "source_group": "clinic", "first_name": child["first_name"] + "e"},
              {**child, "unique_id": "housing:copy", "source_group": "housing"}]  # fmt: skip
    right = pa.concat_tables([right, pa.Table.from_pylist(copies, schema=right.schema)])
    strict = _pairs(link_tables(left, right, LinkConfig(seed=3)).links())
    mine = {b for a, b in strict if a == child["unique_id"]}
    assert "clinic:copy" in mine and "housing:copy" in mine and "clinic:typo" not in mine
    loose = _pairs(link_tables(left, right, LinkConfig(seed=3, one_to_one=False)).links())
    assert {"clinic:copy", "clinic:typo", "housing:copy"} <= {b for a, b in loose if a == child["unique_id"]}


def _parameters(model: dict[str, Any]) -> list[float]:
    return [
        float(level[key])
        for comp in model["comparisons"]
        for level in comp["comparison_levels"]
        for key in ("m_probability", "u_probability")
        if key in level
    ] + [float(model["probability_two_random_records_match"])]


def test_same_seed_same_result(evalset: EvalSet) -> None:
    """Deterministic up to the order DuckDB's threads add floats in (the last bit of a double)."""
    left, right = _small(evalset, 400)
    configs = [LinkConfig(seed=5), LinkConfig(seed=5), LinkConfig(seed=5, memory_limit="256MB")]
    runs = [link_tables(left, right, config) for config in configs]
    first, second, spilled = (r.pairs for r in runs)
    for other in (second, spilled):
        assert other.select(["left_id", "right_id", "decision"]).equals(
            first.select(["left_id", "right_id", "decision"])
        )
        assert other.column("match_probability").to_pylist() == pytest.approx(
            first.column("match_probability").to_pylist(), rel=1e-9
        )
    assert _parameters(runs[1].model) == pytest.approx(_parameters(runs[0].model), rel=1e-9)


def test_dedupe_finds_the_same_child_in_one_file(evalset: EvalSet) -> None:
    left, right = _small(evalset, 300)
    both = pa.concat_tables([left, right])
    person = {b: a for a, b in _pairs(evalset.true_pairs)} | {
        u: u for u in left.column("unique_id").to_pylist()
    }
    result, clusters = dedupe_table(both, LinkConfig(seed=3))
    cluster_of = dict(
        zip(clusters.column("id").to_pylist(), clusters.column("cluster_id").to_pylist(), strict=True)
    )
    assert set(cluster_of) == set(both.column("unique_id").to_pylist())
    links = _pairs(result.links())
    assert links and all(person[a] == person[b] for a, b in links)  # no false merge
    ids = list(cluster_of)
    together = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if person[a] == person[b]]
    found = sum(cluster_of[a] == cluster_of[b] for a, b in together)
    assert found >= 0.95 * len(together)
