"""Putting people into the data plane the way partners do (a CSV through ``do_ingest``), for registry tests."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import mapping_from_dict
from commonground.ingest.models import Submission
from commonground.linkage.models import PersonRecord, ReviewItem
from tests.factories import OrganizationFactory

HEADERS = ("id", "first", "middle", "last", "dob", "sex", "address", "zip", "phone")
MAPPING = mapping_from_dict(
    {
        "table": "person",
        "id_column": "id",
        "columns": {
            "first_name": "first",
            "middle_name": "middle",
            "last_name": "last",
            "birth_date": "dob",
            "sex": "sex",
            "address": "address",
            "postal_code": "zip",
            "phone": "phone",
        },
        "value_maps": {"sex": {"F": "female", "M": "male"}},
        "date_formats": {"birth_date": ["%Y-%m-%d"]},
    }
)
_files = itertools.count()


def org(slug: str) -> Organization:
    """The organization ``slug`` (created the first time)."""
    found = Organization.objects.filter(slug=slug).first()
    return found or OrganizationFactory(slug=slug, name=slug.title(), kind="nonprofit")


def publish(folder: Path, slug: str, rows: list[dict[str, Any]]) -> Submission:
    """Ingest ``rows`` (dicts keyed by :data:`HEADERS`) as ``slug``'s person roster; return the submission."""
    path = folder / f"{slug}-{next(_files)}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=HEADERS)
        out.writeheader()
        for row in rows:
            out.writerow({h: row.get(h, "") for h in HEADERS})
    sub = do_ingest(acting_user=None, organization=org(slug), fmt="tabular", paths=[path], mapping=MAPPING)
    assert sub.status == "accepted", sub.report
    return sub


def hub_of(slug: str, source_id: str) -> str:
    """The hub id of one record."""
    return PersonRecord.objects.get(organization__slug=slug, source_person_id=source_id).hub_person.hub_id


def person(i: int, first: str, last: str, dob: str, **extra: str) -> dict[str, Any]:
    """One roster row."""
    return {"id": str(i), "first": first, "last": last, "dob": dob, **extra}


FAMILIES = [  # (first, last, birth date, address, sex): distinct children, two of them twins
    ("William", "Smith", "2012-04-03", "12 Oak St", "M"),
    ("Olivia", "Garcia", "2013-05-06", "4 Elm St", "F"),
    ("Noah", "Nguyen", "2011-01-02", "9 Pine Rd", "M"),
    ("Sophia", "Patel", "2014-07-08", "77 Birch Ave", "F"),
    ("Liam", "Okafor", "2012-09-10", "3 Cedar Ln", "M"),
    ("Mia", "Kowalski", "2013-11-12", "18 Maple Dr", "F"),
    ("Ethan", "Rossi", "2011-03-14", "5 Walnut Ct", "M"),
    ("Ava", "Haddad", "2012-02-20", "61 Spruce St", "F"),
    ("Lucas", "Haddad", "2012-02-20", "61 Spruce St", "M"),  # Ava's twin brother
    ("Chloe", "Murphy", "2014-06-30", "8 Aspen Way", "F"),
]


def roster(start: int, rows: list[tuple[str, str, str, str, str]]) -> list[dict[str, str]]:
    return [
        person(start + i, f, last, d, address=a, zip="60601", sex=s)
        for i, (f, last, d, a, s) in enumerate(rows)
    ]


def ids() -> dict[str, str]:
    """Every record (``org/id``) → its hub id."""
    return {
        str(r): r.hub_person.hub_id for r in PersonRecord.objects.select_related("hub_person", "organization")
    }


def queue_pair(a: tuple[str, str], b: tuple[str, str]) -> ReviewItem:
    """Put a pair in the review queue as a run would (for decisions on pairs the model linked or split)."""
    ra = PersonRecord.objects.get(organization__slug=a[0], source_person_id=a[1])
    rb = PersonRecord.objects.get(organization__slug=b[0], source_person_id=b[1])
    first, second = sorted((ra, rb), key=lambda r: r.pk)
    return ReviewItem.objects.create(
        record_a=first, record_b=second, probability=0.9, match_weight=3.2, created_at=ra.first_seen_at
    )
