"""From decided pairs to people: clusters that respect human decisions, and hub ids that stay put.

Django-free. Records are string keys; a *node* may also stand for a whole existing hub person (incremental
runs link new records against hub people, not against each of their records), with a weight = its records.

- :func:`constrained_clusters` joins nodes along edges, strongest first, and never puts two nodes that must
  stay apart (a pair a person rejected, twins the guard kept apart) into one cluster, directly or through
  others: each cluster carries the set of nodes it must never meet.
- :func:`carry_ids` gives every cluster a hub id. The rule that keeps ids stable: an old hub id goes to the
  cluster holding most of its records (greedily, largest overlap first), so a person whose records did not
  change keeps their id. A cluster that gets no old id gets a new one; an old id that gets no cluster was
  merged into the one that took most of its records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

NEW_PREFIX = "new:"


class _Sets:
    """Union-find with, per root, the nodes its cluster must never contain."""

    def __init__(self, nodes: Iterable[str], cannot: Iterable[tuple[str, str]]) -> None:
        self.parent = {n: n for n in nodes}
        self.apart: dict[str, set[str]] = defaultdict(set)
        for a, b in cannot:
            if a in self.parent and b in self.parent and a != b:
                self.apart[a].add(b)
                self.apart[b].add(a)

    def root(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> bool | None:
        """Join the clusters of ``a`` and ``b``: True if joined, None if already one, False if forbidden."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return None
        if any(self.root(x) == rb for x in self.apart.get(ra, ())) or any(
            self.root(x) == ra for x in self.apart.get(rb, ())
        ):
            return False
        small, big = (ra, rb) if len(self.apart.get(ra, ())) <= len(self.apart.get(rb, ())) else (rb, ra)
        self.parent[small] = big
        if small in self.apart:
            self.apart[big] |= self.apart.pop(small)
        return True


@dataclass
class Clusters:
    """Each node's cluster (``of[node]`` is a representative) and the joins refused by a constraint."""

    of: dict[str, str]
    refused: list[tuple[str, str]] = field(default_factory=list)

    def groups(self) -> list[list[str]]:
        """The clusters as sorted lists of nodes, sorted by their first node."""
        by: dict[str, list[str]] = defaultdict(list)
        for node, rep in self.of.items():
            by[rep].append(node)
        return sorted((sorted(g) for g in by.values()), key=lambda g: g[0])


def constrained_clusters(
    nodes: Iterable[str],
    edges: Sequence[tuple[str, str, float]],
    *,
    must: Sequence[tuple[str, str]] = (),
    cannot: Iterable[tuple[str, str]] = (),
) -> Clusters:
    """Join ``nodes`` along ``must`` pairs first, then ``edges`` by falling probability, never across ``cannot``.

    >>> c = constrained_clusters("abc", [("a", "b", 0.999), ("b", "c", 0.995)], cannot=[("a", "c")])
    >>> c.groups(), c.refused
    ([['a', 'b'], ['c']], [('b', 'c')])
    """
    sets = _Sets(nodes, cannot)
    refused: list[tuple[str, str]] = []
    ordered = [(a, b) for a, b in must] + [
        (a, b) for a, b, _p in sorted(edges, key=lambda e: (-e[2], e[0], e[1]))
    ]
    for a, b in ordered:
        if a not in sets.parent or b not in sets.parent:
            continue
        if sets.join(a, b) is False:
            refused.append((a, b))
    return Clusters({n: sets.root(n) for n in sets.parent}, refused)


@dataclass(frozen=True)
class Change:
    """One history entry: ``kind`` (created, record_added, merged, split) of ``hub`` (``other``: the far side)."""

    kind: str
    hub: str
    other: str | None
    nodes: tuple[str, ...]


@dataclass
class Carried:
    """Every node's hub id (new ones as ``new:<n>`` placeholders) and what changed."""

    hub_of: dict[str, str]
    changes: list[Change]
    merged: dict[str, str]  # old hub id → the hub id it was merged into


def carry_ids(
    groups: Sequence[Sequence[str]], old_hub: Mapping[str, str], weight: Mapping[str, int] | None = None
) -> Carried:
    """Give each group a hub id, keeping old ids where their records stayed together.

    ``old_hub`` maps a node to the hub id it had (new nodes are absent); ``weight`` counts the records a node
    stands for (default 1). Ties go to the smaller hub id, so the result does not depend on input order.

    >>> r = carry_ids([["a", "b"], ["c"]], {"a": "HP-1", "b": "HP-1", "c": "HP-1"})
    >>> r.hub_of["a"], r.hub_of["c"], [c.kind for c in r.changes]
    ('HP-1', 'new:0', ['split'])
    """
    w = weight or {}
    overlap: dict[tuple[int, str], int] = defaultdict(int)
    for i, group in enumerate(groups):
        for node in group:
            if node in old_hub:
                overlap[(i, old_hub[node])] += w.get(node, 1)
    taken_group: dict[int, str] = {}
    taken_hub: set[str] = set()
    for (i, hub), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])):
        if i not in taken_group and hub not in taken_hub:
            taken_group[i] = hub
            taken_hub.add(hub)
    hub_of: dict[str, str] = {}
    changes: list[Change] = []
    fresh = 0
    for i, group in enumerate(groups):
        taken = taken_group.get(i)
        if taken is None:
            hub = f"{NEW_PREFIX}{fresh}"
            fresh += 1
            came_from = sorted({old_hub[n] for n in group if n in old_hub})
            if came_from:  # split off from earlier hub people
                changes += [
                    Change("split", hub, old, tuple(n for n in group if old_hub.get(n) == old))
                    for old in came_from
                ]
            fresh_nodes = tuple(n for n in group if n not in old_hub)
            if fresh_nodes or not came_from:
                changes.append(Change("created", hub, None, fresh_nodes))
        else:
            hub = taken
            added = tuple(n for n in group if n not in old_hub)
            if added:
                changes.append(Change("record_added", hub, None, added))
        for node in group:
            hub_of[node] = hub
    members: dict[str, list[str]] = defaultdict(list)  # old hub id → its nodes, built once (linear time)
    for node, old in old_hub.items():
        members[old].append(node)
    merged: dict[str, str] = {}
    for hub in sorted(set(members) - taken_hub):
        best: dict[str, int] = defaultdict(int)
        for node in members[hub]:
            best[hub_of[node]] += w.get(node, 1)
        into = min(best, key=lambda h: (-best[h], h))
        if not into.startswith(NEW_PREFIX):
            merged[hub] = into
            changes.append(Change("merged", hub, into, tuple(sorted(members[hub]))))
    targets = set(merged.values())
    for hub in sorted(taken_hub):
        gone = sorted({hub_of[n] for n in members[hub]} - {hub})
        for other in gone:
            if not other.startswith(NEW_PREFIX) and other not in targets:
                moved = tuple(sorted(n for n in members[hub] if hub_of[n] == other))
                changes.append(Change("record_added", other, hub, moved))
    return Carried(hub_of, changes, merged)
