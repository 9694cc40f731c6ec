"""Builders for gate tests: agreements in force, population facts, consents, holds — written straight to the database.

The actions that create these are tested elsewhere; here the point is the gate's answer, so the rows are made as
directly (and quickly) as possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance.models import Agreement, AgreementParty, Consent, Hold, PopulationFact
from commonground.people.models import TrainingCourse, User
from tests.factories import MembershipFactory, TrainingRecordFactory, UserFactory

TODAY = timezone.localdate()
NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=200)


def make_agreement(
    *,
    basis: str,
    purpose: str,
    disclosing: Iterable[Organization],
    recipients: Iterable[Organization],
    roles: Iterable[str],
    elements: Iterable[str],
    population: str = "district",
    schools: Iterable[Organization] = (),
    program_org: Organization | None = None,
    program: str = "",
    training: Iterable[TrainingCourse] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    activated_at: dt.datetime | None = LONG_AGO,
    ended_at: dt.datetime | None = None,
    reference: str | None = None,
) -> Agreement:
    """An agreement with the given terms, active since ``activated_at`` (its term: last year to next year)."""
    agreement = Agreement.objects.create(
        reference=reference or f"GATE-{Agreement.objects.count() + 1:04d}",
        title="Gate test agreement",
        status="active" if ended_at is None else "expired",
        legal_basis=basis,
        purpose_category=purpose,
        purpose=f"Purpose of a {basis} agreement.",
        elements=list(elements),
        recipient_roles=list(roles),
        population_kind=population,
        population_program_organization=program_org,
        population_program=program,
        starts_on=starts_on or TODAY - dt.timedelta(days=300),
        ends_on=ends_on or TODAY + dt.timedelta(days=300),
        activated_at=activated_at,
        ended_at=ended_at,
    )
    for org in disclosing:
        AgreementParty.objects.create(agreement=agreement, organization=org, role="disclosing")
    for org in recipients:
        AgreementParty.objects.create(agreement=agreement, organization=org, role="recipient")
    agreement.population_schools.set(list(schools))
    agreement.required_training.set(list(training))
    return agreement


def holds_record(hub_id: str, org: Organization, person_id: str | None = None) -> PopulationFact:
    """``org`` holds a record of ``hub_id`` (its own id for them: ``person_id``)."""
    return PopulationFact.objects.create(
        hub_person_id=hub_id, kind="record", organization=org, value=person_id or f"{org.slug}-{hub_id}"
    )


def takes_part(
    hub_id: str, org: Organization, program: str = "", begins: dt.date | None = None
) -> PopulationFact:
    """``hub_id`` takes part in ``org``'s ``program`` since ``begins`` (a year ago by default)."""
    return PopulationFact.objects.create(
        hub_person_id=hub_id,
        kind="program",
        organization=org,
        value=program,
        begins=begins or TODAY - dt.timedelta(days=365),
    )


def consents(hub_id: str, recipient: Organization, elements: Iterable[str], **fields: Any) -> Consent:
    """A paper consent for ``hub_id`` naming ``recipient`` for direct services (override with ``fields``)."""
    consent = Consent.objects.create(
        source_organization=recipient,
        collected_by=recipient,
        source_person_id=f"consent-{hub_id}",
        student_name=f"Student {hub_id}",
        hub_person_id=hub_id,
        signer_name="A Parent",
        relationship="parent",
        elements=list(elements),
        purpose="Follow up on absences.",
        purpose_category=fields.pop("purpose_category", "direct_services"),
        signed_on=fields.pop("signed_on", TODAY - dt.timedelta(days=30)),
        signature_method="paper",
        form_reference="Binder 1",
        **fields,
    )
    consent.recipients.add(recipient)
    return consent


def hold_student(hub_id: str, at: dt.datetime | None = None) -> Hold:
    """A hold on everything about ``hub_id`` from ``at`` (a day ago)."""
    return Hold.objects.create(
        scope="subject",
        hub_person_id=hub_id,
        reason="Inspection request",
        placed_at=at or NOW - dt.timedelta(days=1),
    )


def staff(
    role: str, org: Organization, courses: Iterable[TrainingCourse] = (), *, lapsed: bool = False
) -> User:
    """A user holding ``role`` at ``org`` with the given courses (expired ones when ``lapsed``)."""
    user = UserFactory(username=f"{role}-{'lapsed' if lapsed else 'current'}-{org.slug}")
    MembershipFactory(user=user, organization=org, role=role, starts_on=TODAY - dt.timedelta(days=400))
    for course in courses:
        done = TODAY - dt.timedelta(days=400 if lapsed else 10)
        TrainingRecordFactory(
            user=user, course=course, completed_on=done, expires_on=done + dt.timedelta(days=365)
        )
    return user
