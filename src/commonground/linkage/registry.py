"""Reading the person registry: which source records stand behind a hub person id, and the reverse.

The contract other apps use (the gate's population facts, indicators joining records to people):

- :func:`source_records` — hub person id → its (organization slug, source person id) records;
- :func:`hub_ids` — (organization slug, source person id) → hub person id.

Both read the control plane only, in a bounded number of queries however many ids are asked for.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from itertools import islice

from commonground.linkage.choices import HubPersonStatus
from commonground.linkage.models import HubPerson, PersonRecord

#: Ids per ``IN (...)`` query: well under SQLite's and PostgreSQL's limits on parameters.
CHUNK = 500
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HUB_ID_PREFIX = "HP-"


def new_hub_id() -> str:
    """A fresh hub person id: ``HP-`` and 16 random base32 characters (80 bits; nothing derived from the person)."""
    return HUB_ID_PREFIX + "".join(secrets.choice(_BASE32) for _ in range(16))


def _chunks(values: Iterable[str], size: int = CHUNK) -> Iterable[list[str]]:
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk


def source_records(hub_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Each asked hub person id → its records as (organization slug, source person id), sorted.

    An id merged into another answers with the records of the person it was merged into (``merged_into``
    always names the surviving person: merges re-point earlier merges); unknown ids are left out.

    Example:
        >>> source_records(["HP-AAAA"])
        {'HP-AAAA': [('afterschool', '4411'), ('district', '100234')]}
    """
    wanted = list(dict.fromkeys(hub_ids))
    current: dict[str, str] = {}
    for chunk in _chunks(wanted):
        rows = HubPerson.objects.filter(hub_id__in=chunk).values_list(
            "hub_id", "status", "merged_into__hub_id"
        )
        for hub_id, status, into in rows:
            current[hub_id] = into if status == HubPersonStatus.MERGED and into else hub_id
    records: dict[str, list[tuple[str, str]]] = {}
    for chunk in _chunks(sorted(set(current.values()))):
        found = PersonRecord.objects.filter(hub_person__hub_id__in=chunk).values_list(
            "hub_person__hub_id", "organization__slug", "source_person_id"
        )
        for hub_id, slug, source_id in found:
            records.setdefault(hub_id, []).append((slug, source_id))
    return {h: sorted(records.get(t, [])) for h, t in current.items()}


def hub_ids(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each asked (organization slug, source person id) → the hub person id of that record (unknown: absent)."""
    by_org: dict[str, set[str]] = {}
    for slug, source_id in pairs:
        by_org.setdefault(slug, set()).add(source_id)
    out: dict[tuple[str, str], str] = {}
    for slug, ids in by_org.items():
        for chunk in _chunks(sorted(ids)):
            rows = PersonRecord.objects.filter(
                organization__slug=slug, source_person_id__in=chunk
            ).values_list("source_person_id", "hub_person__hub_id")
            out.update({(slug, sid): hub for sid, hub in rows})
    return out
