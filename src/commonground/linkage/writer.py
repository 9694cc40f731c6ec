"""Writing a linkage run's outcome to the registry: hub people, records, history, review items — in bulk.

Called inside the run's transaction (:mod:`.actions`). The plan is computed beforehand, without the
database; here it is only applied, with a bounded number of bulk queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.linkage.choices import EventKind, HubPersonStatus, ReviewStatus
from commonground.linkage.engine.assign import NEW_PREFIX, Change
from commonground.linkage.models import HubPerson, LinkRun, PersonRecord, RegistryEvent, ReviewItem
from commonground.linkage.pairs import ReviewPair
from commonground.linkage.registry import new_hub_id
from commonground.linkage.sources import split_key

#: A hub node (incremental runs) stands for every record of an existing hub person: ``#HP-...``.
HUB_NODE = "#"
#: History entries list at most this many records (a first run creates every person with their records).
EVENT_RECORDS = 50
BATCH = 2000


@dataclass
class Plan:
    """What a run decided, keyed by record (``slug|source id``) or hub node (``#HP-...``).

    ``fingerprints`` covers the records the run read (created or refreshed); ``hub_of`` maps each node to a
    hub id or a ``new:<n>`` placeholder; ``review`` pairs are already known to be in different people.
    """

    fingerprints: dict[str, str]
    hub_of: dict[str, str]
    changes: list[Change]
    merged: dict[str, str]
    review: list[ReviewPair]
    removed: list[str] = field(default_factory=list)
    prior_weight: float = 0.0
    full: bool = True


def _describe(nodes: Iterable[str]) -> list[list[str]]:
    out = []
    for node in list(nodes)[:EVENT_RECORDS]:
        out.append([node[1:], "all records"] if node.startswith(HUB_NODE) else list(split_key(node)))
    return out


def _org_ids(keys: Iterable[str]) -> dict[str, int]:
    slugs = {split_key(k)[0] for k in keys}
    return dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))


Known = dict[str, tuple[int, int, str, str]]


def apply_plan(plan: Plan, run: LinkRun, actor: Any, known: Known | None = None) -> dict[str, int]:
    """Write ``plan`` for ``run``; return counts (created people, records added/moved/removed, merges, reviews).

    ``known`` is :func:`existing_records` as the caller already read it (every record for a full run, the
    records the plan names for an incremental one), so it is not read again.
    """
    now = timezone.now()
    fresh = {h: new_hub_id() for h in sorted(set(plan.hub_of.values())) if h.startswith(NEW_PREFIX)}
    made = HubPerson.objects.bulk_create(
        [HubPerson(hub_id=h, created_at=now, created_by_run=run) for h in fresh.values()], batch_size=BATCH
    )
    hub_pk = {hub_id: hub for _pk, hub, hub_id, _fp in (known or {}).values()}
    hub_pk.update({h.hub_id: h.pk for h in made if h.pk is not None})

    def final(h: str) -> str:
        return fresh.get(h, h)

    wanted = {final(h) for h in plan.hub_of.values()} | set(plan.merged) | set(plan.merged.values())
    wanted |= {final(c.other) for c in plan.changes if c.other} | {final(c.hub) for c in plan.changes}
    hub_pk.update(_hub_pks(wanted - set(hub_pk)))
    counts = {"people_created": len(fresh), "merged": 0, "records_added": 0, "records_moved": 0}
    for old, into in sorted(plan.merged.items()):
        HubPerson.objects.filter(Q(pk=hub_pk[old]) | Q(merged_into_id=hub_pk[old])).update(
            status=HubPersonStatus.MERGED, merged_into_id=hub_pk[into]
        )
        PersonRecord.objects.filter(hub_person_id=hub_pk[old]).update(
            hub_person_id=hub_pk[into], updated_at=now
        )
        counts["merged"] += 1
    record_pk = {k: v[0] for k, v in (known or {}).items()}
    counts.update(_write_records(plan, hub_pk, final, now, known, record_pk))
    if plan.removed:
        counts["records_removed"] = _remove_records(plan.removed, run, now)
    label = f"{run.kind} run {run.pk}"
    RegistryEvent.objects.bulk_create(
        [
            RegistryEvent(
                at=now,
                kind=c.kind,
                hub_person_id=hub_pk[final(c.hub)],
                other_id=hub_pk[final(c.other)] if c.other else None,
                records=_describe(c.nodes),
                run=run,
                actor=actor if getattr(actor, "pk", None) else None,
                reason=_reason(c, label),
            )
            for c in plan.changes
        ],
        batch_size=BATCH,
    )
    counts["splits"] = sum(c.kind == EventKind.SPLIT for c in plan.changes)
    counts.update(_write_reviews(plan, run, now, record_pk))
    return counts


_WHY = {
    EventKind.CREATED.value: "new person: no match in the registry",
    EventKind.RECORD_ADDED.value: "records matched this person",
    EventKind.MERGED.value: "one person: records of both matched (or a steward accepted the pair)",
    EventKind.SPLIT.value: "records no longer match the rest of the person (changed data or a rejected pair)",
}


def _reason(change: Change, run_label: str) -> str:
    return f"{_WHY.get(change.kind, change.kind)} ({run_label})"


def _hub_pks(hub_ids: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    ids = sorted(hub_ids)
    for i in range(0, len(ids), 500):
        out.update(HubPerson.objects.filter(hub_id__in=ids[i : i + 500]).values_list("hub_id", "pk"))
    return out


def existing_records(keys: Iterable[str] | None = None) -> dict[str, tuple[int, int, str, str]]:
    """Record key → (record pk, hub person pk, hub id, fingerprint), for ``keys`` or every record."""
    rows = PersonRecord.objects.values_list(
        "organization__slug", "source_person_id", "pk", "hub_person_id", "hub_person__hub_id", "fingerprint"
    )
    if keys is None:
        return {
            f"{s}|{sid}": (pk, hp, hub, fp) for s, sid, pk, hp, hub, fp in rows.iterator(chunk_size=BATCH)
        }
    out: dict[str, tuple[int, int, str, str]] = {}
    by_org: dict[str, list[str]] = {}
    for key in keys:
        slug, sid = split_key(key)
        by_org.setdefault(slug, []).append(sid)
    orgs = _org_ids(f"{slug}|" for slug in by_org)
    for slug, sids in by_org.items():
        if slug not in orgs:
            continue
        for i in range(0, len(sids), 500):
            part = rows.filter(organization_id=orgs[slug], source_person_id__in=sids[i : i + 500])
            out.update({f"{s}|{sid}": (pk, hp, hub, fp) for s, sid, pk, hp, hub, fp in part})
    return out


def _write_records(
    plan: Plan, hub_pk: dict[str, int], final: Any, now: Any, known: Known | None, record_pk: dict[str, int]
) -> dict[str, int]:
    keys = [k for k in plan.hub_of if not k.startswith(HUB_NODE)]
    if known is None:
        known = existing_records(None if plan.full else keys)
    orgs = _org_ids(k for k in keys if k not in known)
    create, update = [], []
    moved = 0
    for key in keys:
        hub = hub_pk[final(plan.hub_of[key])]
        fp = plan.fingerprints.get(key, "")
        if key not in known:
            slug, sid = split_key(key)
            create.append(
                PersonRecord(
                    hub_person_id=hub,
                    organization_id=orgs[slug],
                    source_person_id=sid,
                    fingerprint=fp,
                    first_seen_at=now,
                    updated_at=now,
                )
            )
            continue
        pk, old_hub, _hub_id, old_fp = known[key]
        if old_hub != hub or (fp and old_fp != fp):
            moved += old_hub != hub
            update.append(PersonRecord(pk=pk, hub_person_id=hub, fingerprint=fp or old_fp, updated_at=now))
    created_keys = [k for k in keys if k not in known]  # in the order of ``create``
    for key, record in zip(
        created_keys, PersonRecord.objects.bulk_create(create, batch_size=BATCH), strict=True
    ):
        if record.pk is not None:  # PostgreSQL and SQLite ≥ 3.35 return the new primary keys
            record_pk[key] = record.pk
    PersonRecord.objects.bulk_update(update, ["hub_person_id", "fingerprint", "updated_at"], batch_size=BATCH)
    return {"records_added": len(create), "records_moved": moved, "records_refreshed": len(update) - moved}


def _remove_records(keys: list[str], run: LinkRun, now: Any) -> int:
    """Records no longer in any organization's current roster leave the registry (their people stay)."""
    known = existing_records(keys)
    by_hub: dict[int, list[str]] = {}
    for key, (_pk, hub, _hub_id, _fp) in known.items():
        by_hub.setdefault(hub, []).append(key)
    RegistryEvent.objects.bulk_create(
        [
            RegistryEvent(
                at=now,
                kind=EventKind.RECORD_REMOVED,
                hub_person_id=hub,
                records=_describe(sorted(ks)),
                run=run,
                reason=f"no longer in the organization's current roster (full run {run.pk})",
            )
            for hub, ks in by_hub.items()
        ],
        batch_size=BATCH,
    )
    pks = [v[0] for v in known.values()]
    for i in range(0, len(pks), 500):
        PersonRecord.objects.filter(pk__in=pks[i : i + 500]).delete()
    return len(pks)


def _write_reviews(plan: Plan, run: LinkRun, now: Any, record_pk: dict[str, int]) -> dict[str, int]:
    """Queue new pairs, refresh pending ones; a full run drops pending pairs it no longer puts in review."""
    keys = {k for p in plan.review for k in (p.a, p.b)}
    pk_of = {k: record_pk[k] for k in keys if k in record_pk}
    pk_of.update({k: v[0] for k, v in existing_records(keys - set(pk_of)).items()})
    wanted: dict[tuple[int, int], ReviewPair] = {}
    for pair in plan.review:
        if pair.a in pk_of and pair.b in pk_of:
            a, b = sorted((pk_of[pair.a], pk_of[pair.b]))
            wanted[(a, b)] = pair
    # The queue holds thousands of pairs at most (the band between the thresholds is narrow): read it whole.
    existing = {(i.record_a_id, i.record_b_id): i for i in ReviewItem.objects.all()}
    create, update = [], []
    for (a, b), pair in wanted.items():
        item = existing.get((a, b))
        if item is None:
            create.append(
                ReviewItem(
                    record_a_id=a,
                    record_b_id=b,
                    probability=pair.probability,
                    match_weight=pair.match_weight,
                    prior_weight=plan.prior_weight,
                    contributions=pair.contributions,
                    model_note=pair.note[:200],
                    created_at=now,
                    run=run,
                )
            )
        elif item.status == ReviewStatus.PENDING:
            item.probability, item.match_weight = pair.probability, pair.match_weight
            item.prior_weight, item.contributions, item.run = plan.prior_weight, pair.contributions, run
            item.model_note = pair.note[:200]
            update.append(item)
    ReviewItem.objects.bulk_create(create, batch_size=BATCH)
    fields = ["probability", "match_weight", "prior_weight", "contributions", "run", "model_note"]
    ReviewItem.objects.bulk_update(update, fields, batch_size=BATCH)
    dropped = 0
    if plan.full:
        stale = [i.pk for k, i in existing.items() if k not in wanted and i.status == ReviewStatus.PENDING]
        for i in range(0, len(stale), 500):
            dropped += ReviewItem.objects.filter(pk__in=stale[i : i + 500]).delete()[0]
    return {"reviews_new": len(create), "reviews_refreshed": len(update), "reviews_dropped": dropped}
