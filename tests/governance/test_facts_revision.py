"""The gate's facts are reused only while nothing they were read from has changed (``governance/revision.py``).

The revision token is changed by database triggers, so these tests write the way code paths the ORM's signals
never see do (``QuerySet.update``, ``bulk_create``, raw SQL, deletes) and check that the very next decision sees
the change; that every table ``facts.load`` reads carries the triggers; that a rolled-back write's token never
comes back; and that the moments the loading queries compare with the time (a hold placed in the future, a new
day) make the facts load again.  Runs on SQLite and PostgreSQL like the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonground.governance import facts, gate, revision
from commonground.governance.models import Consent, FactsRevision, Hold, PopulationFact
from commonground.people.models import Membership
from tests.factories import OrganizationFactory
from tests.governance.gate_world import NOW, consents, holds_record, make_agreement, staff, takes_part

pytestmark = pytest.mark.django_db
ELEMENT = "attendance_event.category"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    revision.clear()
    yield
    revision.clear()


@pytest.fixture
def world() -> dict[str, Any]:
    district = OrganizationFactory(slug="riverbend", kind="district")
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit")
    make_agreement(basis="consent", purpose="direct_services", disclosing=[district], recipients=[partner],
                   roles=["case_manager"], elements=[ELEMENT], population="program", program_org=partner)  # fmt: skip
    for hub_id in ("HP-A", "HP-B"):
        holds_record(hub_id, district)
        takes_part(hub_id, partner)
        consents(hub_id, partner, [ELEMENT])
    return {"district": district, "partner": partner, "user": staff("case_manager", partner)}


def _allowed(world: dict[str, Any], at: dt.datetime | None = None) -> dict[str, bool]:
    decision = gate.authorize(world["user"], "direct_services", ["HP-A", "HP-B"], [ELEMENT], at=at)
    return {s: bool(d.allowed) for s, d in decision.subjects.items()}


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the loads of facts from the database from now on."""
    calls: list[int] = []
    real = facts.load

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(facts, "load", counting)
    return calls


def test_every_table_the_facts_are_read_from_carries_the_triggers(world: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as captured:
        facts.load(world["user"], ["HP-A", "HP-B"], timezone.now())
    read = {
        name
        for query in captured.captured_queries
        for name in re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', query["sql"], flags=re.IGNORECASE)
    }
    read -= {"json_each", "unnest", "select"}
    assert len(read) >= 12, read  # the parse found the tables, not nothing
    missing = read - revision.triggered_tables()
    assert not missing, f"facts.load reads {sorted(missing)} without the revision's triggers (migration 0006)"


def test_facts_are_reused_while_nothing_changes(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = _loads(monkeypatch)
    assert _allowed(world) == {"HP-A": True, "HP-B": True}
    assert _allowed(world) == {"HP-A": True, "HP-B": True}
    assert _allowed(world) == {"HP-A": True, "HP-B": True}
    assert len(loads) == 1


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda w: Consent.objects.filter(hub_person_id="HP-A").update(revoked_at=NOW), id="update"
        ),
        pytest.param(lambda w: Consent.objects.filter(hub_person_id="HP-A").delete(), id="delete"),
        pytest.param(
            lambda w: PopulationFact.objects.filter(hub_person_id="HP-A", kind="program").delete(),
            id="population",
        ),
        pytest.param(
            lambda w: Hold.objects.bulk_create(
                [Hold(scope="subject", hub_person_id="HP-A", reason="Inspection", placed_at=NOW)]
            ),
            id="bulk_create",
        ),
        pytest.param(
            lambda w: Membership.objects.filter(user=w["user"]).update(is_active=False), id="membership"
        ),
        pytest.param(
            lambda w: connection.cursor().execute(
                f"DELETE FROM {Consent.recipients.through._meta.db_table}"  # noqa: S608 - model table
            ),
            id="raw-sql-m2m",
        ),
    ],
)
def test_any_write_to_the_facts_acts_on_the_next_decision(
    world: dict[str, Any], write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _allowed(world)["HP-A"] is True
    before = revision.token()
    write(world)
    assert revision.token() != before
    assert _allowed(world)["HP-A"] is False


def test_a_rolled_back_write_never_leaves_its_token_behind(world: dict[str, Any]) -> None:
    committed = revision.token()
    with pytest.raises(RuntimeError), transaction.atomic():
        Consent.objects.filter(hub_person_id="HP-A").update(revoked_at=NOW)
        seen_inside = revision.token()
        assert _allowed(world)["HP-A"] is False  # facts kept under the rolled-back token
        raise RuntimeError("roll back")
    assert revision.token() == committed
    assert _allowed(world)["HP-A"] is True  # not the facts kept inside the rolled-back transaction
    Consent.objects.filter(hub_person_id="HP-B").update(revoked_at=NOW)  # another write, another token
    assert revision.token() not in (committed, seen_inside)
    assert _allowed(world) == {"HP-A": True, "HP-B": False}


def test_a_hold_placed_for_later_acts_when_its_time_comes(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nine in the morning, local: the three moments below fall on one day whatever the time the test runs (from
    # timezone.now(), 23:30-24:00 in Chicago made the second a new day, which loads again by design).
    now = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    Hold.objects.create(
        scope="subject", hub_person_id="HP-A", reason="From ten", placed_at=now + dt.timedelta(hours=1)
    )
    loads = _loads(monkeypatch)
    assert _allowed(world, now)["HP-A"] is True
    assert _allowed(world, now + dt.timedelta(minutes=30))["HP-A"] is True  # reused: before the hold
    assert (
        _allowed(world, now + dt.timedelta(minutes=90))["HP-A"] is False
    )  # the hold's moment passed: loaded
    assert len(loads) == 2


def test_a_new_day_or_an_earlier_moment_loads_again(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    loads = _loads(monkeypatch)
    _allowed(world, now)
    _allowed(world, now + dt.timedelta(days=1))
    _allowed(world, now - dt.timedelta(days=2))
    assert len(loads) == 3


def test_without_the_revision_row_nothing_is_reused(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    FactsRevision.objects.all().delete()
    loads = _loads(monkeypatch)
    _allowed(world)
    _allowed(world)
    assert revision.token() is None
    assert len(loads) == 2
    Consent.objects.filter(hub_person_id="HP-A").update(revoked_at=NOW)  # a write makes the row again
    assert revision.token() is not None
    assert _allowed(world)["HP-A"] is False
