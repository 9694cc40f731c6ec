"""What a destruction covers, and when it is refused.

**An agreement covers** the data the hub holds from the agreement's *disclosing* organizations: every
submission each one sent (accepted batches, quarantined rows, the raw files kept in the inbox, the reports), the
person registry's records of that organization and what was derived from them (population facts, the linkage
engine's prepared records), and the organization's data key (scope ``org:<slug>``). An organization that is
also disclosing under **another agreement still in force or about to be** (signed or active, term not over) is
kept whole — the hub cannot tell which of its rows the other agreement needs — and the certificate says so.

**A lawful request about one student** covers that student's records in every organization that holds one:
their rows in every batch and quarantine file, their registry records and population facts, and the raw inbox
deliveries of those organizations (a raw file cannot be rewritten without one row, so it goes; the parsed
batches stay the hub's copy).

**Refused**, with the reason: while an inspection or amendment request is open for any affected student
(34 CFR 99.10 — nothing under an open request may be destroyed); while the agreement has not ended (an agreement
is destroyed only once expired or terminated); when the hub already destroyed that agreement's data; when
nothing is left to destroy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance.choices import AgreementStatus, PartyRole
from commonground.governance.models import Agreement, DestructionCertificate
from commonground.ingest.models import Submission
from commonground.linkage.models import PersonRecord
from commonground.linkage.registry import source_records
from commonground.portal.actions import open_requests_for
from commonground.portal.choices import RequestStatus
from commonground.portal.models import FamilyRequest

ENDED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED, AgreementStatus.DESTROYED)
#: Agreements that still need their organizations' data: signed (about to start) or active.
LIVE = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


class DestructionRefused(ValidationError):
    """A destruction that must not happen now; the message says why and what to do."""


@dataclass
class Plan:
    """Everything one destruction will remove."""

    organizations: list[Organization]
    submissions: list[Submission]
    hub_ids: list[str]
    kept: dict[str, list[str]] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def slugs(self) -> list[str]:
        """The destroyed organizations' slugs."""
        return [o.slug for o in self.organizations]


def _refuse_open_requests(hub_ids: list[str]) -> None:
    """Refuse while any affected student has an open inspection or amendment request."""
    affected = set(hub_ids)
    candidates = set(
        FamilyRequest.objects.filter(status=RequestStatus.OPEN).values_list("link__hub_person_id", flat=True)
    )
    # The index narrows the candidates; the portal's own predicate decides for each one.
    blocked = sorted(h for h in candidates & affected if open_requests_for(h))
    if blocked:
        shown = ", ".join(blocked[:5]) + (f" and {len(blocked) - 5} more" if len(blocked) > 5 else "")
        raise DestructionRefused(
            f"Destruction refused: an inspection or amendment request is open for {len(blocked)} affected "
            f"student(s) ({shown}). Nothing under an open request may be destroyed (34 CFR 99.10); close the "
            "request first."
        )


def still_covering(organization: Organization, *, besides: Agreement, today: dt.date) -> list[str]:
    """References of other agreements, signed or active and not over, under which ``organization`` discloses."""
    others = (
        Agreement.objects.with_party(organization, PartyRole.DISCLOSING)
        .exclude(pk=besides.pk)
        .filter(status__in=LIVE, ended_at__isnull=True)
    )
    return sorted(a.reference for a in others if a.ends_on is None or a.ends_on >= today)


def plan_agreement(agreement: Agreement, at: dt.datetime | None = None) -> Plan:
    """What destroying ``agreement``'s data removes; :class:`DestructionRefused` when it must not happen now."""
    now = at or timezone.now()
    if agreement.is_in_force(now) or agreement.status not in ENDED:
        raise DestructionRefused(
            f"Destruction refused: agreement {agreement.reference} is {agreement.get_status_display().lower()}"
            " and has not ended; its data is destroyed only once it has expired or been terminated."
        )
    done = DestructionCertificate.objects.filter(agreement=agreement, kind="agreement").first()
    if done is not None:
        raise DestructionRefused(
            f"The hub already destroyed the data of {agreement.reference} (certificate {done.certificate_id})."
        )
    today = timezone.localdate(now)
    destroyed: list[Organization] = []
    kept: dict[str, list[str]] = {}
    for org in agreement.parties_in(PartyRole.DISCLOSING):
        others = still_covering(org, besides=agreement, today=today)
        if others:
            kept[org.slug] = others
        else:
            destroyed.append(org)
    submissions = list(Submission.objects.filter(organization__in=destroyed).order_by("-pk"))
    hub_ids = sorted(
        set(
            PersonRecord.objects.filter(organization__in=destroyed).values_list(
                "hub_person__hub_id", flat=True
            )
        )
    )
    if not destroyed:
        because = "; ".join(f"{slug} under {', '.join(refs)}" for slug, refs in sorted(kept.items()))
        raise DestructionRefused(
            f"Nothing to destroy for {agreement.reference}: every disclosing organization's data is still "
            f"covered by another agreement in force ({because or 'it names no disclosing organization'})."
        )
    _refuse_open_requests(hub_ids)
    return Plan(organizations=destroyed, submissions=submissions, hub_ids=hub_ids, kept=kept)


def plan_student(hub_person_id: str) -> Plan:
    """What destroying one student's data removes; :class:`DestructionRefused` when it must not happen now."""
    records = source_records([hub_person_id])
    if hub_person_id not in records:
        raise DestructionRefused(f"No hub person {hub_person_id!r}: check the id on the student's page.")
    pairs = records[hub_person_id]
    if not pairs:
        raise DestructionRefused(f"The hub holds no records of {hub_person_id}: nothing to destroy.")
    _refuse_open_requests([hub_person_id])
    slugs = sorted({slug for slug, _pid in pairs})
    organizations = list(Organization.objects.filter(slug__in=slugs).order_by("slug"))
    submissions = list(Submission.objects.filter(organization__in=organizations).order_by("-pk"))
    return Plan(organizations=organizations, submissions=submissions, hub_ids=[hub_person_id], pairs=pairs)


def performer(acting_user: Any, performed_by: str = "") -> str:
    """Who performed the destruction, in words."""
    if performed_by.strip():
        return performed_by.strip()
    if acting_user is not None and getattr(acting_user, "pk", None) is not None:
        return str(acting_user.get_full_name() or acting_user.get_username())
    return "the hub (command line)"
