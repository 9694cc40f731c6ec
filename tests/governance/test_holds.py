"""Holds: placing and lifting them (audited), and the gate denying what an active hold covers — at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from commonground.core.models import AuditEvent
from commonground.governance import actions, gate
from tests.factories import OrganizationFactory
from tests.governance.gate_world import NOW, holds_record, make_agreement, staff

pytestmark = pytest.mark.django_db
ELEMENT = "attendance_event.category"


@pytest.fixture
def world() -> dict[str, Any]:
    district = OrganizationFactory(slug="riverbend", kind="district")
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit")
    agreement = make_agreement(basis="school_official", purpose="school_official", disclosing=[district],
                               recipients=[partner], roles=["case_manager"], elements=[ELEMENT])  # fmt: skip
    holds_record("HP-A", district)
    holds_record("HP-B", district)
    return {
        "district": district,
        "partner": partner,
        "agreement": agreement,
        "user": staff("case_manager", partner),
    }


def _codes(world: dict[str, Any], at: dt.datetime | None = None) -> dict[str, str]:
    decision = gate.authorize(world["user"], "school_official", ["HP-A", "HP-B"], [ELEMENT], at=at)
    return {
        s: (f"allow:{d.allowed[ELEMENT].kind}" if d.allowed else d.denied[ELEMENT])
        for s, d in decision.subjects.items()
    }


def test_a_hold_on_a_student_stops_only_that_student(world: dict[str, Any]) -> None:
    assert _codes(world) == {"HP-A": "allow:school_official", "HP-B": "allow:school_official"}
    hold = actions.do_place_hold(
        acting_user=None, hub_person_id="HP-A", reason="Parent asked to inspect (99.10)"
    )
    assert _codes(world) == {"HP-A": "student_hold", "HP-B": "allow:school_official"}
    actions.do_lift_hold(acting_user=None, hold=hold, reason="Inspection done")
    assert _codes(world) == {"HP-A": "allow:school_official", "HP-B": "allow:school_official"}
    assert list(AuditEvent.objects.filter(action__in=["governance.place_hold", "governance.lift_hold"])
                .values_list("action", flat=True).order_by("seq")) == ["governance.place_hold", "governance.lift_hold"]  # fmt: skip


@pytest.mark.parametrize("target", ["partner", "district", "agreement"])
def test_a_hold_on_an_organization_or_agreement_stops_everything_under_it(
    world: dict[str, Any], target: str
) -> None:
    key = "agreement" if target == "agreement" else "organization"
    actions.do_place_hold(acting_user=None, reason="Suspected breach under review", **{key: world[target]})
    assert _codes(world) == {"HP-A": "hold", "HP-B": "hold"}


def test_holds_act_from_when_they_are_placed_until_lifted(world: dict[str, Any]) -> None:
    placed, lifted = NOW - dt.timedelta(hours=5), NOW - dt.timedelta(hours=1)
    hold = actions.do_place_hold(acting_user=None, hub_person_id="HP-A", reason="Complaint", at=placed)
    actions.do_lift_hold(acting_user=None, hold=hold, reason="Resolved", at=lifted)
    assert _codes(world, placed - dt.timedelta(seconds=1))["HP-A"] == "allow:school_official"
    assert _codes(world, placed)["HP-A"] == "student_hold"
    assert _codes(world, lifted - dt.timedelta(seconds=1))["HP-A"] == "student_hold"
    assert _codes(world, lifted)["HP-A"] == "allow:school_official"


def test_bad_holds_are_refused_clearly(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        actions.do_place_hold(
            acting_user=None, reason="x", hub_person_id="HP-A", organization=world["partner"]
        )
    with pytest.raises(ValidationError, match="Say why"):
        actions.do_place_hold(acting_user=None, reason="  ", hub_person_id="HP-A")
    hold = actions.do_place_hold(acting_user=None, reason="x", hub_person_id="HP-A")
    with pytest.raises(ValidationError, match="before it was placed"):
        actions.do_lift_hold(
            acting_user=None, hold=hold, reason="y", at=hold.placed_at - dt.timedelta(seconds=1)
        )
    actions.do_lift_hold(acting_user=None, hold=hold, reason="y")
    with pytest.raises(ValidationError, match="already lifted"):
        actions.do_lift_hold(acting_user=None, hold=hold, reason="y")
