"""Incremental linking: only new or changed records are linked, against the registry, with the stored model."""

from __future__ import annotations

from pathlib import Path

import pytest

from commonground.linkage.actions import RegistryError, do_link, do_link_incremental
from commonground.linkage.choices import ReviewStatus
from commonground.linkage.models import LinkRun, PersonRecord
from tests.linkage.registry_helpers import FAMILIES, hub_of, publish
from tests.linkage.registry_helpers import ids as _ids
from tests.linkage.registry_helpers import queue_pair as _queue_pair
from tests.linkage.registry_helpers import roster as _roster

pytestmark = pytest.mark.django_db


def test_needs_a_full_run_first(two_rosters: Path) -> None:
    with pytest.raises(RegistryError, match="run a full linkage first"):
        do_link_incremental()


def test_new_submission_links_to_existing_people_without_touching_others(two_rosters: Path) -> None:
    full = do_link()
    before = _ids()
    sub = publish(
        two_rosters,
        "clinic",
        _roster(
            7,
            [
                ("Liam", "Okafor", "2012-09-10", "3 Cedar Ln", "M"),
                ("Zoe", "Quinn", "2015-01-01", "1 A St", "F"),
            ],
        ),
    )
    run = do_link_incremental(sub)
    assert run.summary["records"] == 2 and run.summary["new_records"] == 2
    assert run.summary["model_run"] == full.pk and run.model == {}  # scored with the stored model
    after = _ids()
    assert {k: after[k] for k in before} == before  # nobody else moved
    assert after["clinic/7"] == before["district/5"]
    assert after["clinic/8"] not in before.values()
    assert run.summary["pairs_compared"] < full.summary["pairs_compared"] * 2
    again = do_link_incremental(sub)  # nothing new the second time
    assert again.summary["records"] == 0 and _ids() == after


def test_full_rerun_after_incremental_keeps_ids(two_rosters: Path) -> None:
    do_link()
    publish(two_rosters, "clinic", _roster(7, [("Liam", "Okafor", "2012-09-10", "3 Cedar Ln", "M")]))
    do_link_incremental()
    after = _ids()
    run = do_link()
    assert _ids() == after and run.summary["records_moved"] == 0


def test_changed_record_is_relinked_and_keeps_or_leaves_its_person(two_rosters: Path) -> None:
    do_link()
    william = hub_of("district", "1")
    # the after-school program corrects record 101: it was a different child all along
    rows = _roster(101, [("Bill", "Smith", "2012-04-03", "12 Oak Street", "M")])
    rows[0].update(first="Jasper", last="Vance", dob="2010-10-10", address="99 Far Rd")
    sub = publish(two_rosters, "afterschool", rows)
    run = do_link_incremental(sub)
    assert run.summary["changed_records"] == 1
    assert hub_of("afterschool", "101") != william
    assert hub_of("district", "1") == william  # the person it left keeps the id
    fingerprint = PersonRecord.objects.get(
        organization__slug="afterschool", source_person_id="101"
    ).fingerprint
    assert len(fingerprint) == 64 and "jasper" not in fingerprint


def test_rejected_decision_holds_in_incremental_runs(two_rosters: Path, steward: object) -> None:
    from commonground.linkage.review_actions import do_decide_review

    publish(two_rosters, "clinic", _roster(7, [("Zed", "Ward", "2015-02-02", "2 B St", "M")]))
    do_link()
    # the clinic resends record 7 corrected to look exactly like district/6 (Mia), but a steward said no
    item = _queue_pair(("district", "6"), ("clinic", "7"))
    do_decide_review(
        item, status=ReviewStatus.REJECTED, reason="clinic confirmed a cousin", acting_user=steward
    )
    sub = publish(two_rosters, "clinic", _roster(7, [FAMILIES[5]]))
    do_link_incremental(sub)
    assert hub_of("clinic", "7") != hub_of("district", "6")
    assert LinkRun.objects.filter(kind="incremental").count() == 1


def test_link_after_ingest_waits_for_a_model_then_links(two_rosters: Path) -> None:
    from commonground.linkage.actions import link_after_ingest

    early = publish(two_rosters, "clinic", _roster(7, [FAMILIES[4]]))
    assert link_after_ingest(early) is None  # no model yet: the first full run links everyone
    do_link()
    late = publish(two_rosters, "housing", _roster(70, [FAMILIES[4]]))
    run = link_after_ingest(late)
    assert run is not None and run.kind == "incremental" and run.submission == late
    assert hub_of("housing", "70") == hub_of("district", "5")
