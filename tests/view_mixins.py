"""Generic view tests, applied to every model's pages (after NetBox's ``ViewTestCases``).

A test class mixes in the cases it needs and says which model, factory, URL names and form data to use::

    class TestOrganizationViews(ListViewCases, DetailViewCases, CreateViewCases, EditViewCases):
        model = Organization
        factory = OrganizationFactory
        url_names = {"list": "ecosystem:organization_list", ...}
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from commonground.core.models import AuditEvent


class ViewCasesBase:
    """What every case needs to know about the model under test."""

    model: ClassVar[type[Model]]
    factory: ClassVar[Any]
    url_names: ClassVar[dict[str, str]]
    #: Whether a signed-in partner (not a steward) may read the list and the detail pages.
    members_may_list: ClassVar[bool] = True
    members_may_see_detail: ClassVar[bool] = True

    def url_args(self, obj: Model) -> list[Any]:
        return [obj.pk]

    def url(self, name: str, obj: Model | None = None) -> str:
        return reverse(self.url_names[name], args=self.url_args(obj) if obj is not None else [])

    def create_data(self) -> dict[str, Any]:
        """POST data for a valid new object (may create related objects)."""
        raise NotImplementedError

    def created_lookup(self) -> dict[str, Any]:
        """Filter that finds the object ``create_data`` made."""
        raise NotImplementedError

    def audit_for(self, obj: Model) -> AuditEvent | None:
        return AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).last()


@pytest.mark.django_db
class ListViewCases(ViewCasesBase):
    def test_list_requires_sign_in(self, client: Client) -> None:
        response = client.get(self.url("list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_list_shows_objects_to_steward(self, steward_client: Client) -> None:
        obj = self.factory()
        response = steward_client.get(self.url("list"))
        assert response.status_code == 200
        content = response.content.decode()
        assert f'href="{obj.get_absolute_url()}"' in content  # type: ignore[attr-defined]
        assert "<caption>" in content and 'scope="col"' in content

    def test_list_for_members(self, member_client: Client) -> None:
        self.factory()
        response = member_client.get(self.url("list"))
        assert response.status_code == (200 if self.members_may_list else 403)

    def test_list_accepts_search_sort_and_bad_parameters(self, steward_client: Client) -> None:
        self.factory()
        for query in (
            "?q=zzz-nothing-matches",
            "?sort=-name",
            "?sort=drop table",
            "?kind=nonsense",
            "?page=1",
        ):
            assert steward_client.get(self.url("list") + query).status_code == 200


@pytest.mark.django_db
class DetailViewCases(ViewCasesBase):
    def test_detail_requires_sign_in(self, client: Client) -> None:
        obj = self.factory()
        response = client.get(self.url("detail", obj))
        assert response.status_code == 302

    def test_detail_for_steward(self, steward_client: Client) -> None:
        obj = self.factory()
        response = steward_client.get(self.url("detail", obj))
        assert response.status_code == 200
        assert response.content.decode().count("<h1") == 1

    def test_detail_for_members(self, member_client: Client) -> None:
        obj = self.factory()
        response = member_client.get(self.url("detail", obj))
        assert response.status_code == (200 if self.members_may_see_detail else 404)


@pytest.mark.django_db
class CreateViewCases(ViewCasesBase):
    def test_create_requires_sign_in(self, client: Client) -> None:
        response = client.get(self.url("create"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_create_forbidden_for_members(self, member_client: Client) -> None:
        assert member_client.get(self.url("create")).status_code == 403
        data = self.create_data()
        assert member_client.post(self.url("create"), data).status_code == 403
        assert not self.model._default_manager.filter(**self.created_lookup()).exists()

    def test_steward_creates_with_audit(self, steward_client: Client) -> None:
        form = steward_client.get(self.url("create"))
        assert form.status_code == 200
        assert "<label" in form.content.decode()
        response = steward_client.post(self.url("create"), self.create_data())
        assert response.status_code == 302, response.content.decode()[:3000]
        obj = self.model._default_manager.get(**self.created_lookup())
        assert response["Location"] == obj.get_absolute_url()  # type: ignore[attr-defined]
        event = self.audit_for(obj)
        assert event is not None and event.actor_label == "steward"

    def test_invalid_create_shows_errors_and_writes_nothing(self, steward_client: Client) -> None:
        before = AuditEvent.objects.count()
        response = steward_client.post(self.url("create"), {})
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
        assert AuditEvent.objects.count() == before


@pytest.mark.django_db
class EditViewCases(ViewCasesBase):
    def edit_data(self, obj: Model) -> dict[str, Any]:
        """POST data that changes ``obj``."""
        raise NotImplementedError

    def assert_edited(self, obj: Model) -> None:
        raise NotImplementedError

    def test_edit_requires_sign_in(self, client: Client) -> None:
        obj = self.factory()
        assert client.get(self.url("edit", obj)).status_code == 302

    def test_edit_forbidden_for_members(self, member_client: Client) -> None:
        obj = self.factory()
        assert member_client.get(self.url("edit", obj)).status_code == 403
        assert member_client.post(self.url("edit", obj), self.edit_data(obj)).status_code == 403

    def test_steward_edits_with_audit(self, steward_client: Client) -> None:
        obj = self.factory()
        assert steward_client.get(self.url("edit", obj)).status_code == 200
        response = steward_client.post(self.url("edit", obj), self.edit_data(obj))
        assert response.status_code == 302, response.content.decode()[:3000]
        obj.refresh_from_db()
        self.assert_edited(obj)
        event = self.audit_for(obj)
        assert event is not None and event.action.split(".")[-1].startswith("update")
        assert event.details["changes"]
