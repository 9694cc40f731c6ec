"""The gate's two calls for a page: several decisions over one load of the facts, and records of exactly what a
page shows — the same answers as one decision at a time, and nothing the gate refused can be recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonground.actionlists.access import LIST_ELEMENTS, NAME
from commonground.governance import gate
from commonground.governance.models import Consent, DisclosureRecord
from tests.actionlists.world import World

pytestmark = pytest.mark.django_db
STUDENTS = ["HP-A", "HP-B", "HP-C", "HP-D", "HP-UNKNOWN"]


def test_authorize_many_answers_as_authorize_does_with_one_load_of_the_facts(world: World) -> None:
    at = timezone.now()
    asks = [("direct_services", STUDENTS, LIST_ELEMENTS), ("school_official", STUDENTS, LIST_ELEMENTS),
            ("own_records", STUDENTS[:3], NAME)]  # fmt: skip
    one_by_one = [gate.authorize(world.coordinator, p, s, e, at=at) for p, s, e in asks]
    with CaptureQueriesContext(connection) as once:
        gate.authorize(world.coordinator, *asks[0], at=at)
    with CaptureQueriesContext(connection) as batch:
        together = gate.authorize_many(world.coordinator, asks, at=at)

    assert together == one_by_one
    assert len(batch.captured_queries) == len(once.captured_queries)  # the facts are loaded once
    assert together[0].subjects["HP-A"].allowed and not together[0].subjects["HP-C"].allowed
    with pytest.raises(gate.GateError, match="unknown purpose"):
        gate.authorize_many(world.coordinator, [("gossip", STUDENTS, NAME)])
    with pytest.raises(gate.GateError, match="unknown data element"):
        gate.authorize_many(world.coordinator, [("direct_services", STUDENTS, ["person.shoe_size"])])


def test_disclose_shown_records_what_is_shown_and_refuses_what_is_not_allowed(world: World) -> None:
    decision = gate.authorize(world.coordinator, "direct_services", STUDENTS, LIST_ELEMENTS)
    with transaction.atomic():
        made = gate.disclose_shown(decision, {"HP-A": ["attendance_event.date", "person.first_name"], "HP-C": []},
                                   "view", path="/students/")  # fmt: skip
    assert [(r.hub_person_id, sorted(r.elements), r.route_path) for r in made] == [
        ("HP-A", ["attendance_event.date", "person.first_name"], "/students/")
    ]
    assert made[0].consent_id is not None and made[0].basis == "consent"

    with (
        pytest.raises(gate.GateError, match=r"allow assessment_result\.performance_level of HP-A"),
        transaction.atomic(),
    ):
        gate.disclose_shown(decision, {"HP-A": ["assessment_result.performance_level"]}, "view")
    with pytest.raises(gate.GateError, match=r"allow person\.first_name of HP-C"), transaction.atomic():
        gate.disclose_shown(decision, {"HP-C": ["person.first_name"]}, "view")
    assert DisclosureRecord.objects.count() == 1


def test_a_decision_is_reused_only_while_the_facts_and_their_moments_say_the_same(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = gate.policy.decide
    monkeypatch.setattr(gate.policy, "decide", lambda *a, **k: calls.append(k["purpose"]) or real(*a, **k))
    # Nine in the morning, local: the moments below (up to seven minutes on) fall on one day whatever the time the
    # test runs (a new day decides anew by design).
    at = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    consent = Consent.objects.get(hub_person_id="HP-A")
    consent.revoked_at = at + dt.timedelta(minutes=5)  # a revocation that takes effect in five minutes
    consent.save()

    first = gate.authorize(world.coordinator, "direct_services", STUDENTS, LIST_ELEMENTS, at=at)
    again = gate.authorize(
        world.coordinator, "direct_services", STUDENTS, LIST_ELEMENTS, at=at + dt.timedelta(minutes=1)
    )
    assert len(calls) == 1 and again.subjects == first.subjects and again.at == at + dt.timedelta(minutes=1)
    assert again.allows("HP-A", "attendance_event.date")

    later = gate.authorize(
        world.coordinator, "direct_services", STUDENTS, LIST_ELEMENTS, at=at + dt.timedelta(minutes=6)
    )
    assert len(calls) == 2 and not later.allows("HP-A", "attendance_event.date")  # the moment was crossed

    Consent.objects.filter(hub_person_id="HP-B").update(revoked_at=at)  # changed facts: decided anew
    changed = gate.authorize(
        world.coordinator, "direct_services", STUDENTS, LIST_ELEMENTS, at=at + dt.timedelta(minutes=7)
    )
    assert len(calls) == 3 and not changed.allows("HP-B", "attendance_event.date")
