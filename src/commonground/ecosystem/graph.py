"""Lay out the ecosystem map: plain Python, no Django, deterministic.

Each organization is a *card* (a :class:`Cluster`) listing its systems (:class:`Item`).  The hub's card sits
in the centre; the other cards stand on an ellipse around it, grouped by kind, so flows to and from the hub
run through the open space between them.  The ring grows until no two cards overlap, so any number of
organizations fits (the picture only gets larger).

Example:
    >>> hub = Cluster("hub", "Common Ground", "hub", (Item("s1", "Hub store"),))
    >>> ngo = Cluster("ngo", "Tutoring Club", "nonprofit", (Item("s2", "Attendance sheet"),))
    >>> result = layout([hub, ngo], [Edge("s2", "s1", "Weekly")])
    >>> len(result.clusters), len(result.edges)
    (2, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

HEADER_HEIGHT = 46
ITEM_HEIGHT = 26
ITEM_GAP = 6
PADDING = 10
MIN_WIDTH = 160
MAX_WIDTH = 240
TITLE_CHAR_WIDTH = 8.2  # bold 14px, generous so labels never spill
TEXT_CHAR_WIDTH = 7.0  # 12-13px
CARD_MARGIN = 24  # the least gap between two cards
HUB_CLEARANCE = 110  # room between the hub and the ring for flow labels
CANVAS_MARGIN = 20
ASPECT = 1.55  # the ring is an ellipse, wider than tall, to suit screens
STAGGER_ABOVE = 12  # more cards than this alternate between an inner and an outer ring
STAGGER = 1.4
PARALLEL_GAP = 10  # sideways distance between arrows joining the same two cards
LABEL_STAGGER = 0.3  # how far apart (as a fraction of the arrow) their labels sit


@dataclass(frozen=True)
class Item:
    """A node inside a card (a system)."""

    id: str
    label: str


@dataclass(frozen=True)
class Cluster:
    """A card: an organization with the systems it runs.  ``subtitle`` is a second, smaller line."""

    id: str
    label: str
    kind: str
    items: tuple[Item, ...] = ()
    subtitle: str = ""


@dataclass(frozen=True)
class Edge:
    """An arrow from one node (item or card id) to another, with a short label."""

    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle; ``x``/``y`` is the top-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """True when the boxes come closer than ``margin``."""
        return not (
            self.x + self.width + margin <= other.x
            or other.x + other.width + margin <= self.x
            or self.y + self.height + margin <= other.y
            or other.y + other.height + margin <= self.y
        )

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.width, self.height)


@dataclass
class PlacedCluster:
    """A card with its place, its header (title area) and its items' places."""

    cluster: Cluster
    box: Box
    title: str
    items: list[tuple[Item, Box, str]] = field(default_factory=list)

    @property
    def header(self) -> Box:
        return Box(self.box.x, self.box.y, self.box.width, HEADER_HEIGHT)


@dataclass(frozen=True)
class PlacedEdge:
    """An arrow's end points (already clipped to the cards' borders) and where its label goes."""

    edge: Edge
    x1: float
    y1: float
    x2: float
    y2: float
    label_at: float = 0.5

    @property
    def label_x(self) -> float:
        return self.x1 + (self.x2 - self.x1) * self.label_at

    @property
    def label_y(self) -> float:
        return self.y1 + (self.y2 - self.y1) * self.label_at


@dataclass
class Layout:
    """The finished picture: its size, the cards and the arrows."""

    width: float
    height: float
    clusters: list[PlacedCluster]
    edges: list[PlacedEdge]

    def card_boxes(self) -> list[Box]:
        return [placed.box for placed in self.clusters]


def truncate(label: str, limit: int) -> str:
    """Shorten ``label`` to ``limit`` characters, ending with an ellipsis when cut."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def card_size(cluster: Cluster) -> tuple[float, float]:
    """Width and height of a cluster's card, from its (truncated) texts."""
    max_chars = int((MAX_WIDTH - 2 * PADDING) / TITLE_CHAR_WIDTH)
    widths = [
        len(truncate(cluster.label, max_chars)) * TITLE_CHAR_WIDTH,
        len(cluster.subtitle) * TEXT_CHAR_WIDTH,
    ]
    widths += [len(item.label) * TEXT_CHAR_WIDTH + 16 for item in cluster.items]
    width = min(MAX_WIDTH, max(MIN_WIDTH, max(widths) + 2 * PADDING))
    height = (
        HEADER_HEIGHT
        + len(cluster.items) * (ITEM_HEIGHT + ITEM_GAP)
        + (PADDING - ITEM_GAP if cluster.items else 0)
    )
    return width, height


def _ring_order(clusters: Sequence[Cluster], kind_order: Sequence[str]) -> list[Cluster]:
    rank = {kind: i for i, kind in enumerate(kind_order)}
    return sorted(clusters, key=lambda c: (rank.get(c.kind, len(rank)), c.label.casefold(), c.id))


def _place_ring(
    ring: Sequence[Cluster], sizes: dict[str, tuple[float, float]], radius: float
) -> dict[str, Box]:
    boxes = {}
    count = len(ring)
    for index, cluster in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        factor = STAGGER if count > STAGGER_ABOVE and index % 2 else 1.0
        width, height = sizes[cluster.id]
        cx = radius * factor * ASPECT * math.cos(angle)
        cy = radius * factor * math.sin(angle)
        boxes[cluster.id] = Box(cx - width / 2, cy - height / 2, width, height)
    return boxes


def _fits(boxes: dict[str, Box], hub: Box | None) -> bool:
    values = list(boxes.values())
    for i, first in enumerate(values):
        if hub is not None and first.overlaps(hub, HUB_CLEARANCE):
            return False
        for second in values[i + 1 :]:
            if first.overlaps(second, CARD_MARGIN):
                return False
    return True


def layout(
    clusters: Sequence[Cluster],
    edges: Sequence[Edge],
    *,
    kind_order: Sequence[str] = (),
    centre_kind: str = "hub",
) -> Layout:
    """Place every cluster and route every edge whose two ends are known.

    The first cluster of ``centre_kind`` goes in the centre; the rest stand on the ring in ``kind_order``
    (then by label).  Edges with an unknown end are dropped.
    """
    centre = next((c for c in clusters if c.kind == centre_kind), None)
    ring = _ring_order([c for c in clusters if c is not centre], kind_order)
    sizes = {c.id: card_size(c) for c in clusters}

    hub_box = None
    if centre is not None:
        width, height = sizes[centre.id]
        hub_box = Box(-width / 2, -height / 2, width, height)

    boxes: dict[str, Box] = {}
    if ring:
        largest = max(max(sizes[c.id]) for c in ring)
        radius = largest / 2 + (max(hub_box.width, hub_box.height) / 2 if hub_box else 0) + HUB_CLEARANCE
        radius = max(radius, 160.0)
        while True:
            boxes = _place_ring(ring, sizes, radius)
            if _fits(boxes, hub_box):
                break
            radius *= 1.05
    if hub_box is not None and centre is not None:
        boxes[centre.id] = hub_box

    min_x = min((b.x for b in boxes.values()), default=0.0) - CANVAS_MARGIN
    min_y = min((b.y for b in boxes.values()), default=0.0) - CANVAS_MARGIN
    max_x = max((b.x + b.width for b in boxes.values()), default=0.0) + CANVAS_MARGIN
    max_y = max((b.y + b.height for b in boxes.values()), default=0.0) + CANVAS_MARGIN

    placed: list[PlacedCluster] = []
    card_of: dict[str, Box] = {}
    node_box: dict[str, Box] = {}
    title_chars = int((MAX_WIDTH - 2 * PADDING) / TITLE_CHAR_WIDTH)
    for cluster in ([centre] if centre is not None else []) + ring:
        box = boxes[cluster.id].moved(-min_x, -min_y)
        card = PlacedCluster(cluster, box, truncate(cluster.label, title_chars))
        card_of[cluster.id] = box
        node_box[cluster.id] = card.header
        item_chars = int((box.width - 2 * PADDING - 16) / TEXT_CHAR_WIDTH)
        for index, item in enumerate(cluster.items):
            item_box = Box(
                box.x + PADDING,
                box.y + HEADER_HEIGHT + index * (ITEM_HEIGHT + ITEM_GAP),
                box.width - 2 * PADDING,
                ITEM_HEIGHT,
            )
            card.items.append((item, item_box, truncate(item.label, item_chars)))
            card_of[item.id] = box
            node_box[item.id] = item_box
        placed.append(card)

    owner = {item.id: c.cluster.id for c in placed for item, _, _ in c.items}
    owner.update({c.cluster.id: c.cluster.id for c in placed})
    groups: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        if edge.source not in node_box or edge.target not in node_box:
            continue
        pair = sorted((owner[edge.source], owner[edge.target]))
        groups.setdefault((pair[0], pair[1]), []).append(edge)

    routed = []
    for group in groups.values():
        for index, edge in enumerate(group):
            # Edges between the same two cards run side by side, their labels staggered along them.
            shift = index - (len(group) - 1) / 2
            placed_edge = _route(edge, node_box, card_of, shift * PARALLEL_GAP, 0.5 + shift * LABEL_STAGGER)
            if placed_edge is not None:
                routed.append(placed_edge)
    return Layout(max_x - min_x, max_y - min_y, placed, routed)


def _route(
    edge: Edge, node_box: dict[str, Box], card_of: dict[str, Box], offset: float, label_at: float
) -> PlacedEdge | None:
    """A straight arrow between two nodes, moved ``offset`` sideways, cut at the cards' borders."""
    start, end = node_box[edge.source], node_box[edge.target]
    dx, dy = end.cx - start.cx, end.cy - start.cy
    length = math.hypot(dx, dy)
    if not length:
        return None
    # The sideways direction is fixed per pair of cards (not per direction), so opposite arrows separate.
    sign = 1 if (start.cx, start.cy) < (end.cx, end.cy) else -1
    ox, oy = -dy / length * offset * sign, dx / length * offset * sign
    sx, sy, ex, ey = start.cx + ox, start.cy + oy, end.cx + ox, end.cy + oy
    # Lines leave and enter at the card's border, aimed at the system inside it.
    t1 = _clip_from(card_of[edge.source], sx, sy, dx, dy)
    t2 = _clip_from(card_of[edge.target], ex, ey, -dx, -dy)
    label_at = min(0.8, max(0.2, label_at if sign > 0 else 1 - label_at))  # measured along the pair, too
    return PlacedEdge(edge, sx + t1 * dx, sy + t1 * dy, ex - t2 * dx, ey - t2 * dy, label_at)


def _clip_from(card: Box, x: float, y: float, dx: float, dy: float) -> float:
    """Fraction of (dx, dy), from (x, y) inside ``card``, at which the line crosses the card's border."""
    limits = [1.0]
    if dx > 0:
        limits.append((card.x + card.width - x) / dx)
    elif dx < 0:
        limits.append((card.x - x) / dx)
    if dy > 0:
        limits.append((card.y + card.height - y) / dy)
    elif dy < 0:
        limits.append((card.y - y) / dy)
    return max(0.0, min(limits))
