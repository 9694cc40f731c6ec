"""Clusters under human constraints, and the stability rule for hub ids (pure functions, no database)."""

from __future__ import annotations

from commonground.linkage.engine.assign import NEW_PREFIX, carry_ids, constrained_clusters


def test_cannot_link_holds_through_third_records() -> None:
    edges = [("a", "b", 0.999), ("b", "c", 0.998), ("c", "d", 0.997)]
    c = constrained_clusters("abcd", edges, cannot=[("a", "d")])
    assert c.groups() == [["a", "b", "c"], ["d"]] and c.refused == [("c", "d")]


def test_must_link_comes_before_model_links() -> None:
    c = constrained_clusters("abc", [("a", "b", 0.999)], must=[("b", "c")], cannot=[("a", "c")])
    assert c.groups() == [["a"], ["b", "c"]] and c.refused == [("a", "b")]


def test_unchanged_clusters_keep_their_ids() -> None:
    old = {"a": "HP-1", "b": "HP-1", "c": "HP-2"}
    r = carry_ids([["a", "b"], ["c"], ["d"]], old)
    assert (r.hub_of["a"], r.hub_of["b"], r.hub_of["c"]) == ("HP-1", "HP-1", "HP-2")
    assert r.hub_of["d"].startswith(NEW_PREFIX)
    assert [(c.kind, c.hub) for c in r.changes] == [("created", r.hub_of["d"])]


def test_merge_keeps_the_larger_id_and_records_the_merge() -> None:
    old = {"a": "HP-9", "b": "HP-9", "c": "HP-1"}
    r = carry_ids([["a", "b", "c"]], old)
    assert set(r.hub_of.values()) == {"HP-9"} and r.merged == {"HP-1": "HP-9"}
    assert [(c.kind, c.hub, c.other) for c in r.changes] == [("merged", "HP-1", "HP-9")]


def test_split_leaves_the_id_with_the_larger_part() -> None:
    old = {"a": "HP-1", "b": "HP-1", "c": "HP-1"}
    r = carry_ids([["a", "b"], ["c"]], old)
    assert r.hub_of["a"] == "HP-1" and r.hub_of["c"].startswith(NEW_PREFIX)
    assert [(c.kind, c.other, c.nodes) for c in r.changes] == [("split", "HP-1", ("c",))]


def test_weights_let_a_hub_node_outweigh_its_changed_record() -> None:
    old = {"#HP-1": "HP-1", "x": "HP-1"}
    r = carry_ids([["x"], ["#HP-1"]], old, {"#HP-1": 1000})
    assert r.hub_of["#HP-1"] == "HP-1" and r.hub_of["x"].startswith(NEW_PREFIX)


def test_a_large_rerun_keeps_every_id() -> None:
    """200,000 records in 100,000 people, all unchanged: every id kept.  No clock here (speed belongs in bench/);
    the size is one a step quadratic in the records would not finish."""
    n = 100_000
    nodes = [f"r{i}" for i in range(2 * n)]
    edges = [(f"r{2 * i}", f"r{2 * i + 1}", 0.999) for i in range(n)]
    groups = constrained_clusters(nodes, edges).groups()
    r = carry_ids(groups, {f"r{i}": f"HP-{i // 2}" for i in range(2 * n)})
    assert not r.changes and r.hub_of["r7"] == "HP-3"
