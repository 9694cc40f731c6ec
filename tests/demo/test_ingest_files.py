"""The demo's submissions go through ingest with the source system community.json names for their files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.demo.generator import GeneratorConfig, generate
from commonground.demo.ingest_files import ingest_community
from commonground.demo.load import load_community
from commonground.ingest.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("community")
    result = generate(GeneratorConfig(students=120, seed=5, out_dir=root))
    return result.manifest, root


def _named_system(manifest: dict[str, Any], submission: Submission) -> tuple[str, str]:
    """(organization slug, system name) that community.json gives for the submission's first file."""
    first = submission.files.order_by("id").first()
    assert first is not None
    # A folder submission stores "oneroster/users.csv"; community.json says "district/oneroster/users.csv".
    matches = [e for e in manifest["files"] if e["path"].endswith("/" + first.name)]
    assert len(matches) == 1, (first.name, matches)
    return matches[0]["organization"], matches[0]["system"]


def test_every_demo_submission_records_its_source_system(community: tuple[dict[str, Any], Path]) -> None:
    manifest, root = community
    load_community(manifest)
    submissions = ingest_community(manifest, root)
    assert len(submissions) == 7
    seen = set()
    for submission in submissions:
        submission.refresh_from_db()
        assert submission.system is not None, submission.files.first()
        assert submission.system.organization_id == submission.organization_id
        named = _named_system(manifest, submission)
        assert (submission.system.organization.slug, submission.system.name) == named
        seen.add(named)
    # the district's SIS and each partner's own system: five distinct systems, not one reused everywhere
    assert len(seen) == 5


def test_a_system_missing_from_the_registry_leaves_the_submission_without_one(
    community: tuple[dict[str, Any], Path],
) -> None:
    manifest, root = community
    load_community(manifest)
    edited = {**manifest, "files": [{**e, "system": "Retired SIS"} for e in manifest["files"]]}
    submissions = ingest_community(edited, root)
    assert [s.status for s in submissions] == ["accepted"] * 7
    assert all(s.system is None for s in submissions)
