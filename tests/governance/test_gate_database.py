"""authorize() through the database agrees with the policy on generated communities, in a bounded number of queries.

Each generated community (the same generator as the property test) is written to the database as real rows —
organizations, agreements with parties, consents, designations, opt-outs, holds, population facts, a user with
memberships and training — and the gate's answer, which loads the facts back with the ORM, must equal
``policy.decide`` on the generated facts.  Rows the database would refuse (a consent expiring before it was
signed...) are dropped from both sides.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from commonground.ecosystem.models import Organization
from commonground.governance import gate, policy
from commonground.governance.models import (
    Agreement,
    AgreementParty,
    Consent,
    DirectoryDesignation,
    DirectoryOptOut,
    Hold,
    PopulationFact,
)
from commonground.people.models import Membership, TrainingCourse, TrainingRecord
from tests.factories import UserFactory
from tests.governance.test_policy_property import ELEMENTS, SUBJECTS, World, seeds

pytestmark = pytest.mark.django_db


def _valid(facts: policy.Facts) -> policy.Facts:
    """The generated facts without the rows the database's constraints refuse."""
    memberships, seen = [], set()
    for m in facts.actor.memberships:
        if (m.organization, m.role) in seen or (m.ends_on is not None and m.ends_on < m.starts_on):
            continue
        seen.add((m.organization, m.role))
        memberships.append(m)
    agreement_ids = {a.id for a in facts.agreements}
    return policy.Facts(
        actor=policy.ActorFacts(facts.actor.user_id, tuple(memberships), facts.actor.training),
        agreements=facts.agreements,
        consents=tuple(c for c in facts.consents if c.expires_on is None or c.expires_on > c.signed_on),
        designations=tuple(
            d
            for d in facts.designations
            if d.effective_until is None or d.effective_until >= d.effective_from
        ),
        opt_outs=facts.opt_outs,
        holds=tuple(
            h
            for h in facts.holds
            if (h.lifted_at is None or h.lifted_at >= h.placed_at)
            and (h.scope != "agreement" or h.agreement in agreement_ids)
        ),
        population=facts.population,
        organizations=facts.organizations,
    )


def _store(facts: policy.Facts) -> tuple[Any, dict[str, dict[int, int]]]:
    """Write the facts as rows; return the user and, per kind, a map from database id back to generated id."""
    orgs: dict[int, Organization] = {}
    for org_id in sorted(facts.organizations):
        info = facts.organizations[org_id]
        orgs[org_id] = Organization.objects.create(
            slug=f"org-{org_id}", name=f"Org {org_id}", kind=info.kind, parent=orgs.get(info.parent or 0)
        )
    courses = {c: TrainingCourse.objects.create(slug=f"c{c}", name=f"Course {c}") for c in (10, 11)}
    agreements: dict[int, Agreement] = {}
    for a in facts.agreements:
        agreement = Agreement.objects.create(
            reference=f"G-{a.id}", title="Generated", legal_basis=a.legal_basis, purpose_category=a.purpose_category,
            activated_at=a.activated_at, ended_at=a.ended_at, starts_on=a.starts_on, ends_on=a.ends_on,
            recipient_roles=sorted(a.recipient_roles), elements=sorted(a.elements), population_kind=a.population_kind,
            population_program_organization=orgs.get(a.population_program_organization or 0),
            population_program=a.population_program,
        )  # fmt: skip
        for role, members in (("disclosing", a.disclosing), ("recipient", a.recipients)):
            for org_id in members:
                AgreementParty.objects.create(agreement=agreement, organization=orgs[org_id], role=role)
        agreement.population_schools.set([orgs[o] for o in a.population_schools])
        agreement.required_training.set([courses[c] for c in a.required_training])
        agreements[a.id] = agreement
    consents: dict[int, int] = {}
    for c in facts.consents:
        row = Consent.objects.create(
            source_organization=orgs[1], collected_by=orgs[1], source_person_id=f"consent-{c.id}",
            student_name="S", hub_person_id=c.subject, signer_name="P", relationship="parent",
            elements=sorted(c.elements), purpose="p", purpose_category=c.purpose_category,
            recipient_class=c.recipient_class, signed_on=c.signed_on, signature_method="paper",
            form_reference="b", expires_on=c.expires_on, revoked_at=c.revoked_at,
        )  # fmt: skip
        row.recipients.set([orgs[o] for o in c.recipients])
        consents[row.pk] = c.id
    for d in facts.designations:
        DirectoryDesignation.objects.create(
            district=orgs[d.district], elements=sorted(d.elements), notice_published_on=d.effective_from,
            notice_reference="n", effective_from=d.effective_from, effective_until=d.effective_until,
        )  # fmt: skip
    for i, o in enumerate(facts.opt_outs):
        DirectoryOptOut.objects.create(
            district=orgs[o.district], source_organization=orgs[o.district], source_person_id=f"optout-{i}",
            student_name="S", hub_person_id=o.subject, requested_by="P", relationship="parent",
            received_on=o.received_on, elements=sorted(o.elements), withdrawn_on=o.withdrawn_on,
        )  # fmt: skip
    for h in facts.holds:
        Hold.objects.create(
            scope=h.scope, hub_person_id=h.subject, organization=orgs.get(h.organization or 0),
            agreement=agreements.get(h.agreement or 0), reason="r", placed_at=h.placed_at, lifted_at=h.lifted_at,
        )  # fmt: skip
    PopulationFact.objects.bulk_create(
        PopulationFact(
            hub_person_id=p.subject,
            kind=p.kind,
            organization=orgs[p.organization],
            value=p.value,
            begins=p.begins,
            ends=p.ends,
        )
        for p in facts.population
    )
    user = UserFactory()
    for m in facts.actor.memberships:
        Membership.objects.create(
            user=user, organization=orgs[m.organization], role=m.role, starts_on=m.starts_on, ends_on=m.ends_on,
            is_active=m.is_active,
        )  # fmt: skip
    for t in facts.actor.training:
        TrainingRecord.objects.create(
            user=user, course=courses[t.course], completed_on=t.completed_on, expires_on=t.expires_on
        )
    back = {
        "org": {o.pk: k for k, o in orgs.items()},
        "agreement": {a.pk: k for k, a in agreements.items()},
        "consent": consents,
    }
    return user, back


def _answers(decision: policy.Decision, back: dict[str, dict[int, int]] | None) -> dict[str, dict[str, Any]]:
    def ids(kind: str, value: int | None) -> int | None:
        return value if back is None or value is None else back[kind][value]

    out: dict[str, dict[str, Any]] = {}
    for subject, d in decision.subjects.items():
        out[subject] = dict(d.denied)
        for e, b in d.allowed.items():
            out[subject][e] = (
                b.kind, ids("agreement", b.agreement_id), ids("consent", b.consent_id), ids("org", b.organization_id),
                b.role, frozenset(ids("org", o) for o in b.sources),
            )  # fmt: skip
    return out


def test_authorize_through_the_database_agrees_with_the_policy() -> None:
    compared = [0]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(seeds)
    def check(seed: int) -> None:
        facts, purpose, at = World(seed).facts()
        facts = _valid(facts)
        with transaction.atomic():
            user, back = _store(facts)
            decision = gate.authorize(user, purpose, SUBJECTS, ELEMENTS, at=at)
            expected = policy.decide(
                facts,
                purpose=purpose,
                subjects=SUBJECTS,
                elements=ELEMENTS,
                at=at,
                day=timezone.localdate(at),
            )
            assert _answers(decision, back) == _answers(expected, None)
            transaction.set_rollback(True)
        compared[0] += 1

    check()
    assert compared[0] >= 20


def test_the_number_of_queries_does_not_grow_with_the_students(django_assert_max_num_queries: Any) -> None:
    facts, purpose, at = World(3).facts()
    user, _back = _store(_valid(facts))
    many = [f"HP-{i:05d}" for i in range(500)]
    PopulationFact.objects.bulk_create(
        PopulationFact(
            hub_person_id=h, kind="record", organization=Organization.objects.get(slug="org-2"), value=h
        )
        for h in many
    )
    # Facts not loaded before: the revision token, the loads, and the next moment the loads compared with.
    with django_assert_max_num_queries(16):
        gate.authorize(user, purpose, SUBJECTS, ELEMENTS, at=at)
    with django_assert_max_num_queries(16):
        decision = gate.authorize(user, purpose, many, ELEMENTS, at=at)
    with django_assert_max_num_queries(1):  # the same facts again, nothing written: the token only
        gate.authorize(user, purpose, many, ELEMENTS, at=at)
    assert list(decision.subjects) == many
