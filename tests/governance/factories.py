"""factory_boy factories for governance models (they write directly; the actions are tested elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from commonground.governance.models import (
    Agreement,
    AgreementParty,
    Consent,
    DirectoryDesignation,
    DirectoryOptOut,
)
from tests.factories import OrganizationFactory


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"DSA-{n:04d}")
    title = factory.Sequence(lambda n: f"Data sharing agreement {n}")
    legal_basis = "consent"
    purpose_category = "direct_services"
    purpose = "Follow up on absences."

    @factory.post_generation
    def parties(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        AgreementParty.objects.create(
            agreement=self, organization=OrganizationFactory(kind="district"), role="disclosing"
        )
        AgreementParty.objects.create(agreement=self, organization=OrganizationFactory(), role="recipient")


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    source_organization = factory.SubFactory(OrganizationFactory)
    collected_by = factory.SelfAttribute("source_organization")
    source_person_id = factory.Sequence(lambda n: f"P{n:05d}")
    student_name = factory.Sequence(lambda n: f"Student {n}")
    signer_name = "A Parent"
    relationship = "parent"
    elements = ["attendance_event.date"]
    purpose = "Follow up on absences."
    purpose_category = "direct_services"
    recipient_class = "nonprofit"
    signed_on = dt.date(2025, 9, 1)
    signature_method = "paper"
    form_reference = "Binder 1"


class DesignationFactory(DjangoModelFactory):
    class Meta:
        model = DirectoryDesignation

    district = factory.SubFactory(OrganizationFactory, kind="district")
    elements = ["person.first_name", "person.last_name", "person.grade_level"]
    notice_published_on = dt.date(2025, 8, 1)
    notice_reference = "Handbook page 12"
    effective_from = dt.date(2025, 8, 15)


class OptOutFactory(DjangoModelFactory):
    class Meta:
        model = DirectoryOptOut

    district = factory.SubFactory(OrganizationFactory, kind="district")
    source_organization = factory.SelfAttribute("district")
    source_person_id = factory.Sequence(lambda n: f"S{n:05d}")
    student_name = factory.Sequence(lambda n: f"Student {n}")
    requested_by = "A Parent"
    relationship = "parent"
    received_on = dt.date(2025, 9, 10)
