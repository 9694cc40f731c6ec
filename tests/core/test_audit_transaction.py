"""The audit row is written inside the action's transaction: if the action fails, neither survives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from commonground.core import audit
from commonground.core.models import AuditEvent
from commonground.ecosystem import actions as ecosystem_actions
from commonground.ecosystem.models import Organization
from commonground.people import actions as people_actions
from commonground.people.models import TrainingRecord
from tests.factories import TrainingCourseFactory, UserFactory

pytestmark = pytest.mark.django_db


class Boom(RuntimeError):
    pass


@pytest.fixture
def failing_after_audit(monkeypatch: pytest.MonkeyPatch) -> list[AuditEvent]:
    """Make every audit write succeed and then fail, as if the action broke after writing its audit row."""
    written: list[AuditEvent] = []
    real = audit.record

    def record_then_fail(**kwargs: Any) -> AuditEvent:
        written.append(real(**kwargs))
        raise Boom("failure after the audit row was written")

    monkeypatch.setattr(audit, "record", record_then_fail)
    return written


def test_failed_organization_create_leaves_neither_object_nor_audit(
    failing_after_audit: list[AuditEvent],
) -> None:
    user = UserFactory()
    with pytest.raises(Boom):
        ecosystem_actions.do_create_organization(acting_user=user, slug="doomed", name="Doomed", kind="city")
    assert len(failing_after_audit) == 1  # the audit row was written ...
    assert not Organization.objects.filter(slug="doomed").exists()  # ... and rolled back with the change
    assert not AuditEvent.objects.exists()


def test_failed_training_record_leaves_nothing(failing_after_audit: list[AuditEvent]) -> None:
    user, course = UserFactory(), TrainingCourseFactory()
    with pytest.raises(Boom):
        people_actions.do_record_training(
            acting_user=user, user=user, course=course, completed_on=dt.date(2025, 1, 1)
        )
    assert not TrainingRecord.objects.exists()
    assert not AuditEvent.objects.exists()


def test_failed_web_create_leaves_nothing(failing_after_audit: list[AuditEvent], steward_client: Any) -> None:
    steward_client.raise_request_exception = True
    with pytest.raises(Boom):
        steward_client.post("/ecosystem/organizations/new/", {"name": "Web", "slug": "web", "kind": "city"})
    assert not Organization.objects.filter(slug="web").exists()
    assert not AuditEvent.objects.exists()


def test_successful_action_writes_one_audit_row() -> None:
    user = UserFactory()
    org = ecosystem_actions.do_create_organization(acting_user=user, slug="kept", name="Kept", kind="city")
    event = AuditEvent.objects.get()
    assert (event.object_type, event.object_id, event.actor) == ("ecosystem.Organization", str(org.pk), user)
