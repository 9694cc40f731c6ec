"""The Django admin: stewards may use it, every model is registered, and changes are audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import DataFlow, InformationSystem, Organization
from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User

pytestmark = pytest.mark.django_db
MODELS = [Organization, InformationSystem, DataFlow, User, Membership, TrainingCourse, TrainingRecord]


def test_every_model_is_registered_with_search() -> None:
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert len(model_admin.list_display) > 1, model


def test_steward_can_open_every_changelist_and_add_form(steward_client: Any) -> None:
    assert steward_client.get(reverse("admin:index")).status_code == 200
    for model in MODELS:
        info = (model._meta.app_label, model._meta.model_name)
        assert (
            steward_client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist") + "?q=x").status_code == 200
        )
        assert steward_client.get(reverse(f"admin:{info[0]}_{info[1]}_add")).status_code == 200


def test_non_steward_is_kept_out(member_client: Any) -> None:
    response = member_client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_change_is_audited(steward_client: Any) -> None:
    response = steward_client.post(
        reverse("admin:people_trainingcourse_add"),
        {"name": "Data ethics", "slug": "data-ethics", "valid_for_days": "365"},
    )
    assert response.status_code == 302
    course = TrainingCourse.objects.get(slug="data-ethics")
    event = AuditEvent.objects.get(object_type="people.TrainingCourse", object_id=str(course.pk))
    assert event.action == "admin.add_trainingcourse"


def test_steward_cannot_delete_or_grant_superuser(steward_client: Any, steward: User) -> None:
    org = Organization.objects.get(slug="the-hub")
    assert (
        steward_client.get(reverse("admin:ecosystem_organization_delete", args=[org.pk])).status_code == 403
    )
    html = steward_client.get(reverse("admin:people_user_change", args=[steward.pk])).content.decode()
    assert 'name="is_superuser"' not in html
