"""Load the facts the gate's policy reads, in a fixed number of queries whatever the number of students.

Thirteen queries, none per student: the actor's memberships and training; agreements in force with their
parties, schools and courses; population facts, consents (with recipients), opt-outs, designations and holds; the
organizations.  Consents and opt-outs that the person registry has not linked yet (``hub_person_id`` empty) are
attached through the population index's record facts (organization + source person id), so an unlinked opt-out
still protects the student.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from commonground.ecosystem.models import Organization
from commonground.governance import policy
from commonground.governance.choices import PartyRole
from commonground.governance.models import (
    Agreement,
    AgreementParty,
    Consent,
    DirectoryDesignation,
    DirectoryOptOut,
    Hold,
    PopulationFact,
)
from commonground.people.models import Membership, TrainingRecord


def _actor(actor: Any) -> policy.ActorFacts:
    user_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    if user_id is None or not actor.is_active:
        return policy.ActorFacts(user_id)
    memberships = tuple(
        policy.MembershipFact(org, role, starts, ends, active)
        for org, role, starts, ends, active in Membership.objects.filter(user_id=user_id)
        .order_by()
        .values_list("organization_id", "role", "starts_on", "ends_on", "is_active")
    )
    training = tuple(
        policy.TrainingFact(course, done, expires)
        for course, done, expires in TrainingRecord.objects.filter(user_id=user_id)
        .order_by()
        .values_list("course_id", "completed_on", "expires_on")
    )
    from commonground.portal.models import FamilyLink  # the portal's verified links to a child

    family = frozenset(
        FamilyLink.objects.filter(user_id=user_id, ended_at__isnull=True).values_list(
            "hub_person_id", flat=True
        )
    )
    return policy.ActorFacts(user_id, memberships, training, family)


def _agreements(at: dt.datetime) -> tuple[policy.AgreementFacts, ...]:
    rows = list(
        Agreement.objects.in_force(at).order_by().values_list(
            "id", "reference", "legal_basis", "purpose_category", "activated_at", "ended_at", "starts_on",
            "ends_on", "recipient_roles", "elements", "population_kind", "population_program_organization_id",
            "population_program",
        )
    )  # fmt: skip
    ids = [row[0] for row in rows]
    parties: dict[tuple[int, str], set[int]] = defaultdict(set)
    for agreement_id, org_id, role in (
        AgreementParty.objects.filter(agreement_id__in=ids)
        .order_by()
        .values_list("agreement_id", "organization_id", "role")
    ):
        parties[(agreement_id, role)].add(org_id)
    schools: dict[int, set[int]] = defaultdict(set)
    for agreement_id, org_id in (
        Agreement.population_schools.through.objects.filter(agreement_id__in=ids)
        .order_by()
        .values_list("agreement_id", "organization_id")
    ):
        schools[agreement_id].add(org_id)
    courses: dict[int, set[int]] = defaultdict(set)
    for agreement_id, course_id in (
        Agreement.required_training.through.objects.filter(agreement_id__in=ids)
        .order_by()
        .values_list("agreement_id", "trainingcourse_id")
    ):
        courses[agreement_id].add(course_id)
    return tuple(
        policy.AgreementFacts(
            id=pk, reference=reference, legal_basis=basis, purpose_category=purpose, activated_at=activated,
            ended_at=ended, starts_on=starts, ends_on=ends,
            disclosing=frozenset(parties[(pk, PartyRole.DISCLOSING)]),
            recipients=frozenset(parties[(pk, PartyRole.RECIPIENT)]),
            recipient_roles=frozenset(roles or ()), elements=frozenset(elements or ()),
            population_kind=kind or "", population_schools=frozenset(schools[pk]),
            population_program_organization=program_org, population_program=program or "",
            required_training=frozenset(courses[pk]),
        )
        for (pk, reference, basis, purpose, activated, ended, starts, ends, roles, elements, kind, program_org,
             program) in rows
    )  # fmt: skip


def _subject_of(
    hub_id: str | None, org_id: int, person_id: str, records: dict[tuple[int, str], str]
) -> str | None:
    """The hub person a consent or opt-out is about: the registry's link for its record, else its own link."""
    return records.get((org_id, person_id)) or hub_id


def among(values: Collection[str] | Collection[int], sql_type: str = "text") -> Any:
    """``values`` as one bound parameter for ``field__in=`` (Django would bind, and prepare, one per value)."""
    if connection.vendor == "postgresql":
        if sql_type == "bigint":
            return RawSQL("SELECT unnest(%s::bigint[])", [list(values)])
        return RawSQL("SELECT unnest(%s::text[])", [list(values)])
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])
    return list(values)


def _about_students(
    model: Any, students: Any, records: dict[tuple[int, str], str], *fields: str
) -> list[Any]:
    """Rows of ``model`` (consents, opt-outs) linked to the students, or naming one of their records unlinked.

    Two indexed lookups in one query (a union), rather than one ``OR`` the database would answer by a scan.
    """
    linked = model.objects.filter(hub_person_id__in=students).order_by().values_list(*fields)
    unlinked = (
        model.objects.filter(
            hub_person_id__isnull=True,
            source_organization_id__in={org for org, _value in records},
            source_person_id__in=among({value for _org, value in records}),
        )
        .order_by()
        .values_list(*fields)
    )
    return _raw(linked.union(unlinked, all=True))


def _raw(query: Any) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the driver returns them, without the ORM's per-value converters.

    The callers convert what they need (:func:`_day`, :func:`_moment`, :func:`_elements`): for thousands of rows the
    converters cost more than the query.
    """
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _day(value: Any) -> dt.date | None:
    """A date column: a date, or text when the driver does not convert it."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def moment(value: Any) -> dt.datetime | None:
    """A datetime column: SQLite hands back naive UTC (as a datetime or text), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@functools.lru_cache(maxsize=4096)
def _element_set(value: str) -> frozenset[str]:
    """A JSON list of elements as a set, parsed once per distinct text (most consents name the same elements)."""
    return frozenset(json.loads(value) or ())


def _elements(value: Any) -> frozenset[str]:
    """The elements column of a consent or an opt-out (text from the driver, or a list already parsed)."""
    if isinstance(value, str):
        return _element_set(value)
    return frozenset(value or ())


def _population(students: Any) -> tuple[policy.PopulationFact, ...]:
    """The students' population facts (the biggest result)."""
    rows = _raw(
        PopulationFact.objects.filter(hub_person_id__in=students)
        .order_by()
        .values_list("hub_person_id", "kind", "organization_id", "value", "begins", "ends")
    )
    # The biggest result (several facts per student): the frozen dataclass's __init__ (a guarded setattr per
    # field) cost more than the query, so each fact's attributes are set at once; equality, hashing and repr are
    # the dataclass's own, from these same fields.
    make, kind_of = object.__new__, policy.PopulationFact
    out = []
    for hub_id, kind, org, value, begins, ends in rows:
        fact = make(kind_of)
        fact.__dict__.update(
            subject=hub_id,
            kind=kind,
            organization=org,
            value=value,
            begins=begins and _day(begins),
            ends=ends and _day(ends),
        )
        out.append(fact)
    return tuple(out)


def load(actor: Any, subjects: Sequence[str], at: dt.datetime) -> policy.Facts:
    """Every fact :func:`commonground.governance.policy.decide` needs for ``actor`` and ``subjects`` at ``at``."""
    wanted = set(subjects)
    students = among(wanted)
    population = _population(students)
    records = {(p.organization, p.value): p.subject for p in population if p.kind == "record"}
    consent_rows = _about_students(
        Consent, students, records, "id", "hub_person_id", "source_organization_id", "source_person_id",
        "elements", "purpose_category", "recipient_class", "signed_on", "expires_on", "revoked_at",
    )  # fmt: skip
    recipients: dict[int, set[int]] = defaultdict(set)
    for consent_id, org_id in (
        Consent.recipients.through.objects.filter(
            consent_id__in=among([row[0] for row in consent_rows], "bigint")
        )
        .order_by()
        .values_list("consent_id", "organization_id")
    ):
        recipients[consent_id].add(org_id)
    consents: list[policy.ConsentFacts] = []
    for pk, hub_id, org_id, person_id, elements, purpose, klass, signed, expires, revoked in consent_rows:
        subject = _subject_of(hub_id, org_id, person_id, records)
        if subject in wanted:
            consents.append(
                policy.ConsentFacts(
                    id=pk,
                    subject=subject,
                    elements=_elements(elements),
                    purpose_category=purpose,
                    recipients=frozenset(recipients[pk]),
                    recipient_class=klass or "",
                    signed_on=_day(signed),  # type: ignore[arg-type]
                    expires_on=_day(expires),
                    revoked_at=moment(revoked),
                )
            )

    opt_outs: list[policy.OptOutFacts] = []
    for hub_id, org_id, person_id, district, elements, received, withdrawn in _about_students(
        DirectoryOptOut, students, records, "hub_person_id", "source_organization_id", "source_person_id",
        "district_id", "elements", "received_on", "withdrawn_on",
    ):  # fmt: skip
        # Protective: an opt-out binds both the registry's person and the one it was linked to by hand.
        for subject in {records.get((org_id, person_id)), hub_id} & wanted:
            opt_outs.append(
                policy.OptOutFacts(
                    str(subject),
                    district,
                    _elements(elements),
                    _day(received),  # type: ignore[arg-type]
                    _day(withdrawn),
                )
            )

    designations = tuple(
        policy.DesignationFacts(pk, district, frozenset(elements or ()), start, until)
        for pk, district, elements, start, until in DirectoryDesignation.objects.order_by().values_list(
            "id", "district_id", "elements", "effective_from", "effective_until"
        )
    )
    # Holds in force are few: fetch them all and keep those about other students out.
    holds = tuple(
        policy.HoldFacts(scope, placed, lifted, hub_id, org, agreement)
        for scope, placed, lifted, hub_id, org, agreement in Hold.objects.filter(placed_at__lte=at)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=at))
        .order_by()
        .values_list("scope", "placed_at", "lifted_at", "hub_person_id", "organization_id", "agreement_id")
        if hub_id is None or hub_id in wanted
    )
    organizations = {
        pk: policy.OrganizationFacts(pk, kind, parent)
        for pk, kind, parent in Organization.objects.order_by().values_list("id", "kind", "parent_id")
    }
    return policy.Facts(
        actor=_actor(actor),
        agreements=_agreements(at),
        consents=tuple(consents),
        designations=designations,
        opt_outs=tuple(opt_outs),
        holds=holds,
        population=population,
        organizations=organizations,
    )
