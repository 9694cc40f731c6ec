"""What the hub holds about one child, read for the child's family through the gate (purpose ``family_access``).

Every read is a :func:`commonground.governance.gate.read`, so the family's own look is recorded like any other
access (marked as not required by 99.32(d)); nothing here reads the data plane another way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from commonground.governance import elements as catalog
from commonground.governance import gate, policy
from commonground.governance.models import DisclosureRecord
from commonground.ingest.connectors.canonical import SCHEMAS

#: The tables about a person, in the order a family reads them.
PERSON_TABLES = [t for t in SCHEMAS if "source_person_id" in SCHEMAS[t].names]


@dataclass(frozen=True)
class Section:
    """One table of the child's record: its columns and rows (newest first where there is a date)."""

    table: str
    columns: list[str]
    rows: list[list[Any]]


def child_record(user: Any, hub_person_id: str, *, route: str, path: str) -> list[Section]:
    """Every table the hub holds rows of for the child, through the gate."""
    wanted = [e for e in catalog.ELEMENTS if e.split(".", 1)[0] in PERSON_TABLES]
    decision = gate.authorize(user, policy.FAMILY_ACCESS, [hub_person_id], wanted)
    if not decision.subjects[hub_person_id].allowed:
        return []
    sections = []
    for table in PERSON_TABLES:
        rows: pa.Table = gate.read(decision, table, route, path=path)
        if rows.num_rows == 0:
            continue
        columns = [c for c in rows.column_names if c != "hub_person_id"]
        data = rows.select(columns)
        for key in ("date", "begin_date", "entry_date", "school_year"):
            if key in columns:
                data = data.sort_by([(key, "descending")])
                break
        sections.append(Section(table, columns, [list(r.values()) for r in data.to_pylist()]))
    return sections


def disclosures_of(hub_person_id: str, viewer_id: int) -> list[DisclosureRecord]:
    """Who has seen the child's records, when, why and what — leaving out the family's own looks."""
    return list(
        DisclosureRecord.objects.filter(hub_person_id=hub_person_id)
        .exclude(basis=policy.FAMILY_ACCESS)
        .exclude(recipient_user_id=viewer_id)
        .select_related("recipient_organization")
        .order_by("-at")
    )


def as_json(
    sections: list[Section], disclosures: list[DisclosureRecord], consents: list[Any]
) -> dict[str, Any]:
    """Everything on the child's page as one JSON document (the family's download)."""

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value

    return {
        "records": {
            s.table: [dict(zip(s.columns, map(plain, r), strict=True)) for r in s.rows] for s in sections
        },
        "disclosures": [
            {
                "at": d.at.isoformat(),
                "recipient": d.recipient_organization.name,
                "person": d.recipient_label,
                "purpose": d.legitimate_interest or d.purpose,
                "basis": d.get_basis_display(),
                "elements": d.elements,
                "route": d.route,
            }
            for d in disclosures
        ],
        "consents": [
            {
                "signed_on": c.signed_on.isoformat(),
                "purpose": c.purpose,
                "elements": c.elements,
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
            }
            for c in consents
        ],
    }
