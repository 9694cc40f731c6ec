"""The demo community is linked through the registry: accurate links and realistic pairs waiting for review."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from commonground.demo.build import link_community
from commonground.demo.generator import GeneratorConfig, generate
from commonground.demo.ingest_files import ingest_community
from commonground.demo.load import load_community
from commonground.linkage.choices import ReviewStatus
from commonground.linkage.models import PersonRecord, ReviewItem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
STUDENTS = 5000  # the demo's default size


def _truth(root: Path, manifest: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(organization slug, source person id) → the generator's true person id."""
    org_of = {e["path"]: e["organization"] for e in manifest["files"]}
    out: dict[tuple[str, str], str] = {}
    with (root / "truth" / "ground_truth.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            slug = org_of.get(row["source_file"]) or manifest["district"]["slug"]
            out[(slug, row["source_person_id"])] = row["true_person_id"]
    return out


def test_demo_registry_is_accurate_and_has_borderline_pairs(tmp_path: Path) -> None:
    result = generate(GeneratorConfig(students=STUDENTS, seed=42, out_dir=tmp_path))
    load_community(result.manifest)
    ingest_community(result.manifest, tmp_path)
    summary = link_community()
    truth = _truth(tmp_path, result.manifest)
    people: dict[str, set[str]] = {}
    for slug, sid, hub in PersonRecord.objects.values_list(
        "organization__slug", "source_person_id", "hub_person__hub_id"
    ):
        people.setdefault(hub, set()).add(truth.get((slug, sid), f"unknown:{slug}:{sid}"))
    merged_wrongly = sum(1 for truths in people.values() if len(truths) > 1)
    assert merged_wrongly <= len(people) * 0.002, merged_wrongly  # a false merge is worse than a missed link
    true_people = len(
        {
            truth[(s, i)]
            for s, i in PersonRecord.objects.values_list("organization__slug", "source_person_id")
            if (s, i) in truth
        }
    )
    assert abs(len(people) - true_people) <= true_people * 0.01
    pending = list(
        ReviewItem.objects.filter(status=ReviewStatus.PENDING).select_related(
            "record_a__organization", "record_b__organization"
        )
    )
    assert len(pending) >= 3 and summary["reviews_pending"] == len(pending)
    same = 0
    for item in pending:
        assert (
            0.5 <= item.probability < 0.99 or item.model_note
        )  # between the thresholds, or held back by the guard
        assert item.contributions and item.prior_weight < 0
        a = truth.get((item.record_a.organization.slug, item.record_a.source_person_id))
        b = truth.get((item.record_b.organization.slug, item.record_b.source_person_id))
        same += a == b
    # Sensible: the pairs are plausible (mostly one child whose partner record lacks a birth date, which the
    # twins guard will not auto-link) rather than noise; the steward has something real to confirm.
    assert same >= len(pending) // 2
    assert summary["kept_apart"] > 0  # the twins guard is in force
