"""Applying one ledger entry: the same steps for a destruction, a purge of a backup and a replay after restore.

An entry (:mod:`.ledger`) says what to destroy without naming a student in the clear: organizations, submission
ids, inbox deliveries, data key ids, person tokens, the time it happened. ``whole=True`` (the destruction
itself, and the purge of backups made before it) also removes anything else under the destroyed organizations'
folders; a replay (``whole=False``) removes only what the entry lists, so data an organization sent *after*
the destruction — under a new agreement — survives a restore.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from commonground.core import keystore
from commonground.governance.destruction import files, ledger
from commonground.governance.destruction.backups import Purge
from commonground.governance.destruction.files import RowMatch


def matcher(entry: dict[str, Any]) -> RowMatch:
    """Which rows an entry destroys: every row of its organizations, or the rows of its person tokens."""
    slugs = set(entry["organizations"])
    if entry["kind"] == "agreement":
        return lambda org, _pid: org in slugs
    tokens = set(entry["tokens"])
    key = ledger.token_key()
    return lambda org, pid: org in slugs and ledger.person_token(org, pid, key) in tokens


def apply_files(data: Path, entry: dict[str, Any], *, whole: bool, live: bool = True) -> Purge:
    """Remove (agreement) or rewrite (student) what ``entry`` names in the data folder ``data`` (``live``: the
    hub's own, else a backup's)."""
    done = Purge(folder=str(data))
    if not data.is_dir():
        return done
    slugs = list(entry["organizations"])
    listed = {int(s) for s in entry["submissions"]}
    if entry["kind"] == "agreement":
        for slug in slugs:
            if whole:
                targets = files.org_folders(data, slug)
            else:
                targets = [p for sid in sorted(listed) for p in files.submission_folders(data, slug, sid)]
                targets += [data / rel for rel in entry.get("inbox", [])]
            for folder in targets:
                done.files += files.remove_tree(folder)
        present = {int(p.name.removeprefix("submission=")) for p in data.glob("batches/*/org=*/submission=*")}
        done.submissions = sorted(listed - present)
    else:
        match = matcher(entry)
        for path in files.parquet_files(data, slugs):
            sid = int(path.parent.name.removeprefix("submission="))
            if whole or sid in listed:
                done.rows += files.rewrite_without(path, match)
        inbox = [rel for slug in slugs for rel in files.inbox_deliveries(data, slug)] if whole else []
        for rel in [*inbox, *([] if whole else entry.get("inbox", []))]:
            done.files += files.remove_tree(data / rel)
    rows, removed = files.rewrite_snapshot(data, matcher(entry), live=live)
    done.rows += rows
    done.files += removed
    return done


def destroy_keys(entry: dict[str, Any]) -> list[str]:
    """Crypto-shred the entry's data keys that still exist (never a newer key of the same scope)."""
    destroyed = []
    live = keystore.scopes()
    for scope, key_id in sorted(entry.get("keys", {}).items()):
        if live.get(scope) == key_id:
            keystore.destroy(scope)
            destroyed.append(key_id)
    return destroyed


def apply_control(entry: dict[str, Any], *, acting_user: Any) -> dict[str, int]:
    """Remove the entry's records from the control plane: submissions, registry records, population facts."""
    from commonground.governance.models import PopulationFact
    from commonground.governance.population import do_refresh_population
    from commonground.ingest.models import Submission
    from commonground.linkage.models import PersonRecord

    at = dt.datetime.fromisoformat(entry["at"])
    slugs = list(entry["organizations"])
    records = PersonRecord.objects.filter(organization__slug__in=slugs, first_seen_at__lte=at)
    if entry["kind"] == "student":
        match = matcher(entry)
        rows = records.values_list("pk", "organization__slug", "source_person_id")
        records = PersonRecord.objects.filter(pk__in=[pk for pk, org, pid in rows if match(org, pid)])
    hub_ids = set(records.values_list("hub_person__hub_id", flat=True)) | set(entry.get("hub_person_ids", []))
    removed_records = records.count()
    scrub_registry_history(entry)
    records.delete()
    submissions = facts = 0
    if entry["kind"] == "agreement":
        facts, _kinds = PopulationFact.objects.filter(organization__slug__in=slugs, kind="record").delete()
        for submission in Submission.objects.filter(pk__in=entry["submissions"]).order_by("-pk"):
            submission.delete()  # one by one, newest first: a fix protects the submission it corrects
            submissions += 1
    reindexed = 0
    if hub_ids and (removed_records or submissions or facts):
        do_refresh_population(acting_user=acting_user, hub_ids=sorted(hub_ids))
        reindexed = len(hub_ids)
    return {"registry_records": removed_records, "submissions": submissions, "people_reindexed": reindexed}


def scrub_registry_history(entry: dict[str, Any]) -> int:
    """Replace destroyed source ids in the registry's history with ``(destroyed)``; return the events changed."""
    from commonground.linkage.models import RegistryEvent

    match = matcher(entry)
    changed = 0
    for event in RegistryEvent.objects.exclude(records=[]).iterator():
        new = [
            [pair[0], "(destroyed)"]
            if isinstance(pair, list) and len(pair) == 2 and match(str(pair[0]), str(pair[1]))
            else pair
            for pair in event.records
        ]
        if new != event.records:
            RegistryEvent.objects.filter(pk=event.pk).update(records=new)
            changed += 1
    return changed
