"""List, detail, create and edit pages of organizations, systems and flows (generic cases)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model

from commonground.ecosystem.models import DataFlow, InformationSystem, Organization
from tests.factories import DataFlowFactory, InformationSystemFactory, OrganizationFactory
from tests.view_mixins import CreateViewCases, DetailViewCases, EditViewCases, ListViewCases

pytestmark = pytest.mark.django_db


class TestOrganizationViews(ListViewCases, DetailViewCases, CreateViewCases, EditViewCases):
    model = Organization
    factory = OrganizationFactory
    url_names = {
        "list": "ecosystem:organization_list",
        "detail": "ecosystem:organization_detail",
        "create": "ecosystem:organization_create",
        "edit": "ecosystem:organization_edit",
    }

    def url_args(self, obj: Model) -> list[Any]:
        return [obj.slug]  # type: ignore[attr-defined]

    def create_data(self) -> dict[str, Any]:
        return {"name": "Eastside Tutoring", "slug": "eastside-tutoring", "kind": "nonprofit"}

    def created_lookup(self) -> dict[str, Any]:
        return {"slug": "eastside-tutoring"}

    def edit_data(self, obj: Model) -> dict[str, Any]:
        return {"name": "Renamed Org", "slug": obj.slug, "kind": "agency"}  # type: ignore[attr-defined]

    def assert_edited(self, obj: Model) -> None:
        assert obj.name == "Renamed Org" and obj.kind == "agency"  # type: ignore[attr-defined]


class TestSystemViews(ListViewCases, DetailViewCases, CreateViewCases, EditViewCases):
    model = InformationSystem
    factory = InformationSystemFactory
    url_names = {
        "list": "ecosystem:system_list",
        "detail": "ecosystem:system_detail",
        "create": "ecosystem:system_create",
        "edit": "ecosystem:system_edit",
    }

    def create_data(self) -> dict[str, Any]:
        org = OrganizationFactory(slug="owner-org")
        return {"organization": org.pk, "name": "Youth Tracker", "kind": "program", "data_held": "Sign-ins"}

    def created_lookup(self) -> dict[str, Any]:
        return {"name": "Youth Tracker", "organization__slug": "owner-org"}

    def edit_data(self, obj: Model) -> dict[str, Any]:
        return {
            "organization": obj.organization_id,
            "name": obj.name,
            "kind": "spreadsheet",  # type: ignore[attr-defined]
            "data_held": "Everything",
            "vendor": "Acme",
        }

    def assert_edited(self, obj: Model) -> None:
        assert obj.kind == "spreadsheet" and obj.vendor == "Acme"  # type: ignore[attr-defined]


class TestFlowViews(ListViewCases, DetailViewCases, CreateViewCases, EditViewCases):
    model = DataFlow
    factory = DataFlowFactory
    url_names = {
        "list": "ecosystem:flow_list",
        "detail": "ecosystem:flow_detail",
        "create": "ecosystem:flow_create",
        "edit": "ecosystem:flow_edit",
    }

    def create_data(self) -> dict[str, Any]:
        source, target = InformationSystemFactory(), InformationSystemFactory()
        return {
            "source": source.pk,
            "target": target.pk,
            "what": "Daily attendance",
            "frequency": "daily",
            "method": "sftp",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"what": "Daily attendance"}

    def edit_data(self, obj: Model) -> dict[str, Any]:
        return {
            "source": obj.source_id,
            "target": obj.target_id,
            "what": obj.what,  # type: ignore[attr-defined]
            "frequency": "monthly",
            "method": "api",
            "agreement_reference": "DSA-9",
        }

    def assert_edited(self, obj: Model) -> None:
        assert obj.frequency == "monthly" and obj.agreement_reference == "DSA-9"  # type: ignore[attr-defined]


def test_flow_to_itself_is_refused(steward_client: Any) -> None:
    system = InformationSystemFactory()
    data = {"source": system.pk, "target": system.pk, "what": "Loop", "frequency": "daily", "method": "api"}
    response = steward_client.post("/ecosystem/flows/new/", data)
    assert response.status_code == 200
    assert not DataFlow.objects.filter(what="Loop").exists()


def test_organization_list_filters_by_kind_and_search(steward_client: Any) -> None:
    OrganizationFactory(name="Northside School", kind="school")
    OrganizationFactory(name="Food Bank", kind="nonprofit")
    by_kind = steward_client.get("/ecosystem/organizations/?kind=school").content.decode()
    assert "Northside School" in by_kind and "Food Bank" not in by_kind
    by_text = steward_client.get("/ecosystem/organizations/?q=food").content.decode()
    assert "Food Bank" in by_text and "Northside School" not in by_text


def test_organization_list_sorts_descending(steward_client: Any) -> None:
    OrganizationFactory(name="Aardvark Aid")
    OrganizationFactory(name="Zebra Zone")
    content = steward_client.get("/ecosystem/organizations/?sort=-name").content.decode()
    assert content.index("Zebra Zone") < content.index("Aardvark Aid")
    assert 'aria-sort="descending"' in content


def test_edit_without_changes_writes_no_audit(steward_client: Any) -> None:
    from commonground.core.models import AuditEvent

    org = OrganizationFactory(kind="city")
    steward_client.post(
        f"/ecosystem/organizations/{org.slug}/edit/", {"name": org.name, "slug": org.slug, "kind": "city"}
    )
    assert not AuditEvent.objects.filter(object_id=str(org.pk)).exists()


def test_steward_sees_edit_link_and_member_does_not(steward_client: Any, member_client: Any) -> None:
    org = OrganizationFactory()
    edit = f"/ecosystem/organizations/{org.slug}/edit/"
    assert edit in steward_client.get(org.get_absolute_url()).content.decode()
    assert edit not in member_client.get(org.get_absolute_url()).content.decode()
