"""The person registry through ``do_link``: stable ids, human decisions, twins, history, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from commonground.core.models import AuditEvent
from commonground.linkage.actions import RegistryError, do_link
from commonground.linkage.choices import EventKind, HubPersonStatus, ReviewStatus
from commonground.linkage.models import HubPerson, PersonRecord, RegistryEvent, ReviewItem
from commonground.linkage.registry import hub_ids, source_records
from commonground.linkage.review_actions import do_decide_review
from tests.linkage.registry_helpers import (
    FAMILIES,
    hub_of,
    publish,
)
from tests.linkage.registry_helpers import (
    ids as _ids,
)
from tests.linkage.registry_helpers import (
    queue_pair as _queue_pair,
)
from tests.linkage.registry_helpers import (
    roster as _roster,
)

pytestmark = pytest.mark.django_db


def test_every_record_gets_a_random_looking_id_and_matches_share_one(two_rosters: Path) -> None:
    run = do_link()
    assert PersonRecord.objects.count() == 15
    assert hub_of("afterschool", "101") == hub_of("district", "1")  # Bill = William
    assert hub_of("afterschool", "104") == hub_of("district", "4")  # Patell = Patel
    assert hub_of("afterschool", "105") == hub_of("district", "8")  # Ava
    assert hub_of("district", "8") != hub_of("district", "9")  # her twin brother stays apart
    assert HubPerson.objects.filter(status=HubPersonStatus.ACTIVE).count() == 10
    for hub_id in HubPerson.objects.values_list("hub_id", flat=True):
        assert hub_id.startswith("HP-") and len(hub_id) == 19
        assert "smith" not in hub_id.lower()
    assert run.summary["people_created"] == 10 and run.summary["records_added"] == 15
    assert RegistryEvent.objects.filter(kind=EventKind.CREATED).count() == 10
    assert AuditEvent.objects.filter(action="linkage.full_run", object_id=str(run.pk)).exists()


def test_rerun_changes_no_id(two_rosters: Path) -> None:
    do_link()
    before = _ids()
    run = do_link()
    assert _ids() == before
    assert run.summary["people_created"] == 0
    assert run.summary["records_moved"] == 0
    assert run.summary["merged"] == 0 and run.summary["splits"] == 0


def test_new_roster_keeps_existing_ids(two_rosters: Path) -> None:
    do_link()
    before = _ids()
    publish(two_rosters, "clinic", _roster(501, [("Liam", "Okafor", "2012-09-10", "3 Cedar Ln", "M")]))
    run = do_link()
    after = _ids()
    assert {k: after[k] for k in before} == before
    assert after["clinic/501"] == before["district/5"]
    assert run.summary["records_added"] == 1 and run.summary["people_created"] == 0


def test_registry_contract(two_rosters: Path) -> None:
    do_link()
    william = hub_of("district", "1")
    assert source_records([william, "HP-UNKNOWN"]) == {william: [("afterschool", "101"), ("district", "1")]}
    assert hub_ids([("district", "1"), ("afterschool", "101"), ("district", "nope")]) == {
        ("district", "1"): william,
        ("afterschool", "101"): william,
    }


def test_rejected_pair_is_split_and_stays_apart(two_rosters: Path, steward: object) -> None:
    do_link()
    item = _queue_pair(("district", "1"), ("afterschool", "101"))
    do_decide_review(
        item, status=ReviewStatus.REJECTED, reason="different parents on file", acting_user=steward
    )
    run = do_link()
    assert hub_of("district", "1") != hub_of("afterschool", "101")
    assert run.summary["refused_links"] >= 1
    assert RegistryEvent.objects.filter(kind=EventKind.SPLIT).exists()
    again = do_link()  # and it stays that way
    assert hub_of("district", "1") != hub_of("afterschool", "101")
    assert again.summary["records_moved"] == 0


def test_rejection_holds_transitively(two_rosters: Path, steward: object) -> None:
    """district/1 – afterschool/101 – clinic/7: rejecting district/1 × clinic/7 keeps them apart via 101 too."""
    publish(two_rosters, "clinic", _roster(7, [("Will", "Smith", "2012-04-03", "12 Oak St", "M")]))
    do_link()
    assert hub_of("district", "1") == hub_of("clinic", "7") == hub_of("afterschool", "101")
    item = _queue_pair(("district", "1"), ("clinic", "7"))
    do_decide_review(
        item, status=ReviewStatus.REJECTED, reason="clinic says another family", acting_user=steward
    )
    do_link()
    assert hub_of("district", "1") != hub_of("clinic", "7")


def test_accepting_merges_now_and_survives_reruns(two_rosters: Path, steward: object) -> None:
    do_link()
    a, b = hub_of("district", "2"), hub_of("district", "3")
    together = sorted(r for records in source_records([a, b]).values() for r in records)
    item = _queue_pair(("district", "2"), ("district", "3"))
    do_decide_review(
        item, status=ReviewStatus.ACCEPTED, reason="steward checked birth certificate", acting_user=steward
    )
    merged = hub_of("district", "2")
    assert merged == hub_of("district", "3") and merged in (a, b)
    gone = HubPerson.objects.get(hub_id=({a, b} - {merged}).pop())
    assert gone.status == HubPersonStatus.MERGED and gone.merged_into.hub_id == merged
    assert source_records([gone.hub_id])[gone.hub_id] == together
    event = RegistryEvent.objects.get(kind=EventKind.MERGED)
    assert event.actor == steward and "birth certificate" in event.reason
    do_link()
    assert hub_of("district", "2") == hub_of("district", "3") == merged
    assert AuditEvent.objects.filter(action="linkage.decide_review", object_id=str(item.pk)).exists()


def test_accepting_refuses_to_join_records_kept_apart(two_rosters: Path, steward: object) -> None:
    do_link()
    rejected = _queue_pair(("district", "2"), ("district", "3"))
    do_decide_review(rejected, status=ReviewStatus.REJECTED, reason="two girls", acting_user=steward)
    # afterschool/102 is district/2's record; accepting it with district/3 would join 2 and 3 through it
    item = _queue_pair(("afterschool", "102"), ("district", "3"))
    with pytest.raises(ValidationError, match="kept apart"):
        do_decide_review(item, status=ReviewStatus.ACCEPTED, reason="looks alike", acting_user=steward)
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.PENDING


def test_decisions_need_a_reason_and_a_known_status(two_rosters: Path, steward: object) -> None:
    do_link()
    item = _queue_pair(("district", "2"), ("district", "3"))
    with pytest.raises(ValidationError, match="why"):
        do_decide_review(item, status=ReviewStatus.REJECTED, reason="  ", acting_user=steward)
    with pytest.raises(ValidationError, match="accept, reject or unsure"):
        do_decide_review(item, status="maybe", reason="x", acting_user=steward)


def test_twins_accepted_by_nobody_never_merge_even_through_a_third_record(tmp_path: Path) -> None:
    """A partner record that looks like both twins may link to one of them, never join the two."""
    publish(tmp_path, "district", _roster(1, FAMILIES))
    publish(tmp_path, "housing", _roster(900, [("Ava", "Haddad", "2012-02-20", "61 Spruce St", "")]))
    do_link()
    assert hub_of("district", "8") != hub_of("district", "9")


def test_no_person_data_is_a_clear_error() -> None:
    with pytest.raises(RegistryError, match="no person records yet"):
        do_link()


def test_one_record_is_registered_with_a_warning(tmp_path: Path) -> None:
    publish(tmp_path, "district", _roster(1, FAMILIES[:1]))
    run = do_link()
    assert PersonRecord.objects.count() == 1
    assert "only one person record" in run.summary["warning"]
