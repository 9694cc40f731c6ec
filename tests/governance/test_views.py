"""List, detail, create and edit pages of agreements, consents, designations and opt-outs (generic cases)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model

from commonground.governance.models import Agreement, Consent, DirectoryDesignation, DirectoryOptOut
from tests.factories import OrganizationFactory
from tests.governance.factories import AgreementFactory, ConsentFactory, DesignationFactory, OptOutFactory
from tests.view_mixins import CreateViewCases, DetailViewCases, EditViewCases, ListViewCases

pytestmark = pytest.mark.django_db


class TestAgreementViews(ListViewCases, DetailViewCases, CreateViewCases, EditViewCases):
    model = Agreement
    factory = AgreementFactory
    members_may_see_detail = False  # a data lead sees only their own organization's agreements
    url_names = {
        "list": "governance:agreement_list",
        "detail": "governance:agreement_detail",
        "create": "governance:agreement_create",
        "edit": "governance:agreement_edit",
    }

    def create_data(self) -> dict[str, Any]:
        district, partner = OrganizationFactory(kind="district"), OrganizationFactory()
        return {
            "reference": "DSA-NEW-1",
            "title": "After-school services",
            "legal_basis": "consent",
            "purpose_category": "direct_services",
            "disclosing": [district.pk],
            "recipients": [partner.pk],
            "elements": ["attendance_event.date", "attendance_event.category"],
            "governing_laws": "attendance_event: ferpa",
            "recipient_roles": ["case_manager"],
            "extra_clauses": "Breach notice | State law s. 5\nWithin 72 hours.",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"reference": "DSA-NEW-1", "elements": ["attendance_event.date", "attendance_event.category"]}

    def edit_data(self, obj: Model) -> dict[str, Any]:
        parties = {p.role: p.organization_id for p in obj.parties.all()}  # type: ignore[attr-defined]
        return {
            "reference": obj.reference,  # type: ignore[attr-defined]
            "title": "Renamed agreement",
            "legal_basis": "studies",
            "purpose_category": "study",
            "disclosing": [parties["disclosing"]],
            "recipients": [parties["recipient"]],
        }

    def assert_edited(self, obj: Model) -> None:
        assert obj.title == "Renamed agreement" and obj.legal_basis == "studies"  # type: ignore[attr-defined]


class TestConsentViews(ListViewCases, DetailViewCases, CreateViewCases):
    model = Consent
    factory = ConsentFactory
    members_may_list = False
    members_may_see_detail = False
    url_names = {
        "list": "governance:consent_list",
        "detail": "governance:consent_detail",
        "create": "governance:consent_create",
    }

    def create_data(self) -> dict[str, Any]:
        partner = OrganizationFactory(slug="consent-partner")
        return {
            "source_organization": partner.pk,
            "source_person_id": "BF-77",
            "student_name": "Ana Torres",
            "collected_by": partner.pk,
            "signer_name": "Lucia Torres",
            "relationship": "parent",
            "elements": ["attendance_event.date"],
            "purpose": "Follow up on absences",
            "purpose_category": "direct_services",
            "recipients": [partner.pk],
            "signed_on": "2025-09-01",
            "signature_method": "paper",
            "form_reference": "Binder 2, page 4",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"source_person_id": "BF-77"}


class TestDesignationViews(ListViewCases, DetailViewCases, CreateViewCases, EditViewCases):
    model = DirectoryDesignation
    factory = DesignationFactory
    url_names = {
        "list": "governance:designation_list",
        "detail": "governance:designation_detail",
        "create": "governance:designation_create",
        "edit": "governance:designation_edit",
    }

    def create_data(self) -> dict[str, Any]:
        district = OrganizationFactory(kind="district", slug="designating-district")
        return {
            "district": district.pk,
            "elements": ["person.first_name", "person.grade_level"],
            "notice_published_on": "2025-08-01",
            "notice_reference": "Handbook p. 3",
            "effective_from": "2025-08-15",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"district__slug": "designating-district"}

    def edit_data(self, obj: Model) -> dict[str, Any]:
        return {
            "district": obj.district_id,  # type: ignore[attr-defined]
            "elements": ["person.first_name"],
            "notice_published_on": "2025-08-01",
            "notice_reference": "Handbook p. 4",
            "effective_from": "2025-08-15",
        }

    def assert_edited(self, obj: Model) -> None:
        assert obj.elements == ["person.first_name"] and obj.notice_reference == "Handbook p. 4"  # type: ignore[attr-defined]


class TestOptOutViews(ListViewCases, DetailViewCases, CreateViewCases):
    model = DirectoryOptOut
    factory = OptOutFactory
    members_may_list = False
    members_may_see_detail = False
    url_names = {
        "list": "governance:optout_list",
        "detail": "governance:optout_detail",
        "create": "governance:optout_create",
    }

    def create_data(self) -> dict[str, Any]:
        district = OrganizationFactory(kind="district")
        return {
            "district": district.pk,
            "source_organization": district.pk,
            "source_person_id": "S-900",
            "student_name": "Sam Lee",
            "requested_by": "Kim Lee",
            "relationship": "parent",
            "received_on": "2025-09-03",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"source_person_id": "S-900"}
