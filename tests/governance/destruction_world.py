"""A small hub for the destruction tests: Grand Bend's OneRoster roster ingested (identifying columns sealed),
a registry record per student, an ended agreement under which the district disclosed, and one disclosure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance.gate import system_read
from commonground.governance.models import Agreement, AgreementParty, DisclosureRecord
from commonground.ingest import dataplane, inbox_sealing
from commonground.ingest.actions import do_ingest
from commonground.ingest.models import Submission
from commonground.linkage import snapshot
from commonground.linkage.models import HubPerson, PersonRecord
from tests.factories import OrganizationFactory
from tests.ingest.conftest import GRAND_BEND


@dataclass
class World:
    district: Organization
    partner: Organization
    agreement: Agreement
    submission: Submission
    hub_ids: list[str]


def agreement(reference: str, disclosing: Organization, recipient: Organization, status: str) -> Agreement:
    """An agreement in ``status``: ``terminated`` (ended yesterday) or ``active`` (in force)."""
    now = timezone.now()
    ended = status == "terminated"
    made = Agreement.objects.create(
        reference=reference,
        title=f"Agreement {reference}",
        legal_basis="consent",
        purpose_category="direct_services",
        purpose="Follow up on absences.",
        status=status,
        activated_at=now - dt.timedelta(days=60),
        starts_on=(now - dt.timedelta(days=60)).date(),
        ends_on=(now + dt.timedelta(days=300)).date(),
        ended_at=now - dt.timedelta(days=1) if ended else None,
        destruction_method="Crypto-shred and delete (NIST SP 800-88 purge).",
    )
    AgreementParty.objects.create(agreement=made, organization=disclosing, role="disclosing")
    AgreementParty.objects.create(agreement=made, organization=recipient, role="recipient")
    return made


def build() -> World:
    """Ingest, register and disclose, as a hub would have before the agreement ended."""
    district = OrganizationFactory(slug="grand-bend", kind="district", name="Grand Bend")
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit", name="Bright Futures")
    submission = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    assert submission.status == "accepted", submission.report
    with system_read("test registry"):
        con = dataplane.connect()
        ids = [r[0] for r in dataplane.current_relation(con, "person").select("source_person_id").fetchall()]
        con.close()
    seen = timezone.now() - dt.timedelta(hours=1)
    hub_ids = []
    for n, pid in enumerate(sorted(ids)):
        person = HubPerson.objects.create(hub_id=f"HP-TEST{n:011d}", created_at=seen)
        PersonRecord.objects.create(
            hub_person=person, organization=district, source_person_id=pid, fingerprint="x" * 64,
            first_seen_at=seen, updated_at=seen,
        )  # fmt: skip
        hub_ids.append(person.hub_id)
    keys = [f"grand-bend|{pid}" for pid in sorted(ids)]  # the linkage engine's prepared records
    snapshot.write(pa.table({"unique_id": keys, "source_group": ["grand-bend"] * len(keys)}))
    delivery = (
        data_dir() / "inbox" / "grand-bend" / "0f1e2d3c"
    )  # the raw files of an upload, as the inbox keeps them
    delivery.mkdir(parents=True)
    (delivery / "users.csv").write_bytes((GRAND_BEND / "users.csv").read_bytes())
    # Kept sealed under the district's key, as ingest does.
    inbox_sealing.seal_delivery(delivery, "grand-bend")
    ended = agreement("DSA-ENDED", district, partner, "terminated")
    DisclosureRecord.objects.create(
        hub_person_id=hub_ids[0], recipient_organization=partner, recipient_label="case manager",
        purpose="direct_services", basis="consent", agreement=ended, agreement_reference=ended.reference,
        elements=["person.first_name"], at=timezone.now() - dt.timedelta(days=10), route="view",
    )  # fmt: skip
    return World(district, partner, ended, submission, hub_ids)


def data_dir() -> Path:
    return Path(settings.COMMONGROUND_DATA_DIR)


def rows_of(data: Path, org: str) -> int:
    """Rows in every batch file under ``data`` whose source is ``org`` (read straight from the files)."""
    total = 0
    for path in data.glob("batches/*/org=*/submission=*/*.parquet"):
        table = pq.read_table(path)
        if "source_org" in table.column_names:
            total += sum(1 for o in table.column("source_org").to_pylist() if o == org)
    return total
