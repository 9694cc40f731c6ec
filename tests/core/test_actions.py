"""The shared action building blocks: an update audits exactly what changed, and nothing when nothing did."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from commonground.core.models import AuditEvent
from commonground.ecosystem.actions import do_update_organization
from commonground.ecosystem.models import Organization
from tests.factories import OrganizationFactory


@pytest.mark.django_db
def test_update_records_old_and_new_values_of_changed_fields_only(steward) -> None:
    org = OrganizationFactory(name="Old name", neighborhood="Riverside")
    do_update_organization(acting_user=steward, organization=org, name="New name", neighborhood="Riverside")
    event = AuditEvent.objects.get(action="ecosystem.update_organization")
    assert event.details == {"changes": {"name": ["Old name", "New name"]}}
    assert event.actor == steward
    assert Organization.objects.get(pk=org.pk).name == "New name"


@pytest.mark.django_db
def test_update_without_changes_writes_nothing(steward) -> None:
    org = OrganizationFactory(name="Same")
    before = AuditEvent.objects.count()
    do_update_organization(acting_user=steward, organization=org, name="Same")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_invalid_update_is_refused_and_not_audited(steward) -> None:
    org = OrganizationFactory(kind="nonprofit")
    with pytest.raises(ValidationError):
        do_update_organization(acting_user=steward, organization=org, kind="not-a-kind")
    assert not AuditEvent.objects.filter(action="ecosystem.update_organization").exists()
    assert Organization.objects.get(pk=org.pk).kind == "nonprofit"
