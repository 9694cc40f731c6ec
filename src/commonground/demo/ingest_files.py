"""Send the demo community's files through the real ingest path, as the district and partners would.

Each partner file goes in with the mapping a steward would have saved for that system (``mappings/*.yaml``).
Ingest is idempotent, so running the demo twice creates no second submission.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.models import Submission

MAPPINGS = Path(__file__).resolve().parent / "mappings"

# (partner's folder under partners/, file name, mapping file) for every partner export the demo ingests.
PARTNER_FILES = [
    ("afterschool", "participants.csv", "afterschool-participants.yaml"),
    ("clinic", "patients.csv", "clinic-patients.yaml"),
    ("mentoring", "mentee_roster.xlsx", "mentoring-mentees.yaml"),
    ("mentoring", "service_contacts.xlsx", "mentoring-contacts.yaml"),
    ("housing", "household_members.xlsx", "housing-members.yaml"),
]


def _partner_org(manifest: dict[str, Any], folder: str) -> Organization:
    """The organization whose files live under ``partners/<folder>/`` (from community.json's file list)."""
    for entry in manifest["files"]:
        if entry["path"].startswith(f"partners/{folder}/"):
            return Organization.objects.get(slug=entry["organization"])
    raise LookupError(f"community.json names no organization for partners/{folder}/")


def ingest_community(
    manifest: dict[str, Any], root: Path, progress: Callable[[str, int, int], None] | None = None
) -> list[Submission]:
    """Ingest the district's OneRoster and Ed-Fi XML exports and every partner file; return the submissions."""
    district = Organization.objects.get(slug=manifest["district"]["slug"])
    jobs: list[tuple[str, Organization, str, list[Path], str | None]] = [
        ("district rosters (OneRoster)", district, "oneroster", [root / "district" / "oneroster"], None),
    ]
    edfi_xml = sorted((root / "district" / "edfi").glob("*.xml"))
    if edfi_xml:
        jobs.append(("district records (Ed-Fi XML)", district, "edfi-xml", edfi_xml, None))
    for folder, name, mapping_file in PARTNER_FILES:
        path = root / "partners" / folder / name
        if path.exists():
            jobs.append(
                (f"{folder}: {name}", _partner_org(manifest, folder), "tabular", [path], mapping_file)
            )
    submissions = []
    for done, (label, org, fmt, paths, mapping) in enumerate(jobs):
        if progress:
            progress(f"ingesting {label}", done, len(jobs))
        submissions.append(
            do_ingest(
                acting_user=None,
                organization=org,
                fmt=fmt,
                paths=paths,
                mapping=load_mapping(MAPPINGS / mapping) if mapping else None,
            )
        )
    if progress:
        progress("ingest finished", len(jobs), len(jobs))
    return submissions
