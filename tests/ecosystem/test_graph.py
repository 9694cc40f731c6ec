"""The map's layout module, tested without Django (milliseconds)."""

from __future__ import annotations

import itertools

from commonground.ecosystem.graph import Box, Cluster, Edge, Item, card_size, layout, truncate

KINDS = ["district", "school", "agency", "city", "nonprofit", "funder"]


def community(orgs: int, systems_each: int = 3) -> tuple[list[Cluster], list[Edge]]:
    hub = Cluster("hub", "Common Ground", "hub", (Item("hub-store", "Hub data store"),), "The hub")
    clusters = [hub]
    edges = []
    for i in range(orgs):
        items = tuple(
            Item(f"s{i}-{j}", f"System {j} of organization {i}") for j in range(i % (systems_each + 1))
        )
        clusters.append(
            Cluster(f"o{i}", f"Organization with a long name number {i}", KINDS[i % len(KINDS)], items)
        )
        if items:
            edges.append(Edge(items[0].id, "hub-store", "Weekly"))
            edges.append(Edge("hub-store", items[-1].id, "Each term"))
    return clusters, edges


def assert_no_overlap(boxes: list[Box]) -> None:
    for first, second in itertools.combinations(boxes, 2):
        assert not first.overlaps(second), (first, second)


def test_thirty_organizations_do_not_overlap_and_fit_the_canvas() -> None:
    clusters, edges = community(30)
    result = layout(clusters, edges)
    boxes = result.card_boxes()
    assert len(boxes) == 31
    assert_no_overlap(boxes)
    for box in boxes:
        assert box.x >= 0 and box.y >= 0
        assert box.x + box.width <= result.width and box.y + box.height <= result.height


def test_items_stay_inside_their_card_and_apart() -> None:
    clusters, edges = community(12)
    result = layout(clusters, edges)
    for card in result.clusters:
        items = [box for _, box, _ in card.items]
        assert_no_overlap(items)
        for box in items:
            assert card.box.x <= box.x and box.x + box.width <= card.box.x + card.box.width
            assert card.box.y <= box.y and box.y + box.height <= card.box.y + card.box.height


def test_hub_is_in_the_centre() -> None:
    clusters, edges = community(8)
    result = layout(clusters, edges)
    hub = next(c for c in result.clusters if c.cluster.kind == "hub")
    assert abs(hub.box.cx - result.width / 2) < result.width * 0.1
    assert abs(hub.box.cy - result.height / 2) < result.height * 0.1


def test_layout_is_deterministic_and_independent_of_input_order() -> None:
    clusters, edges = community(15)
    first = layout(clusters, edges, kind_order=KINDS)
    second = layout(list(reversed(clusters)), edges, kind_order=KINDS)
    assert [(c.cluster.id, c.box) for c in first.clusters] == [(c.cluster.id, c.box) for c in second.clusters]


def test_ring_is_grouped_by_kind() -> None:
    clusters, edges = community(12)
    result = layout(clusters, edges, kind_order=KINDS)
    ring_kinds = [c.cluster.kind for c in result.clusters if c.cluster.kind != "hub"]
    assert ring_kinds == sorted(ring_kinds, key=KINDS.index)


def test_edges_start_and_end_on_card_borders() -> None:
    clusters, edges = community(6)
    result = layout(clusters, edges)
    assert len(result.edges) == len(edges)
    cards = {c.cluster.id: c.box for c in result.clusters}
    for placed in result.edges:
        for x, y in ((placed.x1, placed.y1), (placed.x2, placed.y2)):
            on_border = any(
                abs(x - b.x) < 0.01
                or abs(x - b.x - b.width) < 0.01
                or abs(y - b.y) < 0.01
                or abs(y - b.y - b.height) < 0.01
                for b in cards.values()
            )
            assert on_border, (x, y)


def test_edges_with_unknown_ends_are_dropped() -> None:
    clusters, _ = community(3)
    assert layout(clusters, [Edge("nowhere", "hub-store")]).edges == []


def test_empty_and_hubless_layouts() -> None:
    assert layout([], []).clusters == []
    result = layout([Cluster("a", "A", "school"), Cluster("b", "B", "school")], [Edge("a", "b", "Daily")])
    assert_no_overlap(result.card_boxes())
    assert len(result.edges) == 1


def test_long_labels_are_truncated_and_cards_bounded() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a very long organization name indeed", 12).endswith("…")
    width, height = card_size(Cluster("x", "N" * 200, "school", (Item("i", "S" * 200),)))
    assert width <= 240 and height > 46
