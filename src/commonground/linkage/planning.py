"""From a run's scored pairs and the registry's state to a :class:`~.writer.Plan` (no database here).

Full runs cluster every record; incremental runs cluster the new and changed records together with *hub
nodes* (``#HP-...``), each standing for an existing hub person's records, so nobody else is relinked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from commonground.linkage.engine.assign import carry_ids, constrained_clusters
from commonground.linkage.pairs import Pairs, ReviewPair
from commonground.linkage.writer import HUB_NODE, Plan

#: A hub node outweighs any number of its changed records, so a record that changed and moved away never
#: takes the id of the person it left.
HUB_NODE_WEIGHT = 1000


def plan_full(
    fingerprints: Mapping[str, str],
    pairs: Pairs,
    old_hub: Mapping[str, str],
    *,
    accepted: Sequence[tuple[str, str]] = (),
    rejected: Sequence[tuple[str, str]] = (),
) -> tuple[Plan, list[tuple[str, str]]]:
    """Cluster every record read (``fingerprints``' keys); ``old_hub`` is every registered record's hub id.

    Returns the plan and the links refused because they would join records kept apart.
    """
    keys = sorted(fingerprints)
    clusters = constrained_clusters(keys, pairs.links, must=accepted, cannot=[*rejected, *pairs.apart])
    present = {k: h for k, h in old_hub.items() if k in fingerprints}
    carried = carry_ids(clusters.groups(), present)
    review = [p for p in pairs.review if carried.hub_of.get(p.a) != carried.hub_of.get(p.b)]
    removed = sorted(k for k in old_hub if k not in fingerprints)
    plan = Plan(
        dict(fingerprints),
        carried.hub_of,
        carried.changes,
        carried.merged,
        review,
        removed,
        pairs.prior_weight,
    )
    return plan, clusters.refused


def plan_incremental(
    fingerprints: Mapping[str, str],
    changed: Mapping[str, str],
    pairs: Pairs,
    known_hub: Mapping[str, str],
    hub_size: Mapping[str, int],
    *,
    accepted: Sequence[tuple[str, str]] = (),
    rejected: Sequence[tuple[str, str]] = (),
) -> tuple[Plan, list[tuple[str, str]]]:
    """Cluster new and changed records (``fingerprints``) against hub nodes.

    ``changed`` maps a changed record to its current hub id; ``known_hub`` maps the known records the pairs
    (and decisions) mention to their hub ids; ``hub_size`` counts each hub's records that did not change.
    Pairs have the new record on the left. Decisions name record keys; a known record stands for its hub.
    """

    def node(key: str) -> str:
        return key if key in fingerprints else HUB_NODE + known_hub[key]

    def mapped(items: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(node(a), node(b)) for a, b in items if (a in fingerprints or a in known_hub)
                and (b in fingerprints or b in known_hub)]  # fmt: skip

    hubs = {known_hub[b] for _a, b, _p in pairs.links} | {known_hub[p.b] for p in pairs.review}
    hubs |= set(changed.values()) | {known_hub[k] for pair in accepted for k in pair if k in known_hub}
    hub_nodes = {HUB_NODE + h for h in hubs if hub_size.get(h, 0) > 0}
    nodes = sorted(set(fingerprints) | hub_nodes)
    edges = [(a, node(b), p) for a, b, p in pairs.links]
    cannot = mapped([*rejected, *pairs.apart])
    clusters = constrained_clusters(nodes, edges, must=mapped(accepted), cannot=cannot)
    old = dict(changed) | {n: n[len(HUB_NODE) :] for n in hub_nodes}
    weight = {n: HUB_NODE_WEIGHT * hub_size[n[len(HUB_NODE) :]] for n in hub_nodes}
    carried = carry_ids(clusters.groups(), old, weight)

    def final(key: str) -> str | None:
        n = node(key)
        return carried.hub_of.get(n, known_hub.get(key))

    review: list[ReviewPair] = [p for p in pairs.review if final(p.a) != final(p.b)]
    plan = Plan(
        dict(fingerprints),
        carried.hub_of,
        carried.changes,
        carried.merged,
        review,
        [],
        pairs.prior_weight,
        False,
    )
    return plan, clusters.refused
