"""Send the demo community's files through the real ingest path, as the district and partners would.

Each partner file goes in with the mapping a steward would have saved for that system (``mappings/*.yaml``).
Each submission records the source system community.json names for its files (the district's SIS, a
partner's case-management tool), as a partner pushing through its system token would.
Ingest is idempotent, so running the demo twice creates no second submission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commonground.ecosystem.models import InformationSystem, Organization
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


def _entry(manifest: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The first community.json ``files`` entry whose path starts with ``prefix``."""
    for entry in manifest["files"]:
        if entry["path"].startswith(prefix):
            return dict(entry)
    raise LookupError(f"community.json names no file under {prefix}")


def _partner_org(manifest: dict[str, Any], folder: str) -> Organization:
    """The organization whose files live under ``partners/<folder>/`` (from community.json's file list)."""
    return Organization.objects.get(slug=_entry(manifest, f"partners/{folder}/")["organization"])


def _system(manifest: dict[str, Any], prefix: str) -> InformationSystem | None:
    """The source system community.json names for the files under ``prefix`` (None if the registry lacks it).

    The demo registers every system before it ingests, so a missing one only happens with a hand-edited
    community.json; the submission is then recorded without its system rather than refused.
    """
    entry = _entry(manifest, prefix)
    return InformationSystem.objects.filter(
        organization__slug=entry["organization"], name=entry["system"]
    ).first()


@dataclass(frozen=True)
class _Job:
    """One submission the demo sends: its files, format, mapping, and where community.json lists them."""

    label: str
    organization: Organization
    fmt: str
    paths: list[Path]
    mapping: str | None
    #: The community.json path (or folder prefix) of the files, whose entry names their source system.
    listed_as: str


def _jobs(manifest: dict[str, Any], root: Path) -> list[_Job]:
    """The district's OneRoster and Ed-Fi XML exports, then each partner file that exists."""
    district = Organization.objects.get(slug=manifest["district"]["slug"])
    oneroster = [root / "district" / "oneroster"]
    jobs = [
        _Job("district rosters (OneRoster)", district, "oneroster", oneroster, None, "district/oneroster/")
    ]
    edfi_xml = sorted((root / "district" / "edfi").glob("*.xml"))
    if edfi_xml:
        jobs.append(
            _Job("district records (Ed-Fi XML)", district, "edfi-xml", edfi_xml, None, "district/edfi/")
        )
    for folder, name, mapping_file in PARTNER_FILES:
        path = root / "partners" / folder / name
        if path.exists():
            org = _partner_org(manifest, folder)
            jobs.append(
                _Job(f"{folder}: {name}", org, "tabular", [path], mapping_file, f"partners/{folder}/{name}")
            )
    return jobs


def ingest_community(
    manifest: dict[str, Any], root: Path, progress: Callable[[str, int, int], None] | None = None
) -> list[Submission]:
    """Ingest the district's OneRoster and Ed-Fi XML exports and every partner file; return the submissions.

    Each submission records the source system community.json names for its files.
    """
    jobs = _jobs(manifest, root)
    submissions = []
    for done, job in enumerate(jobs):
        if progress:
            progress(f"ingesting {job.label}", done, len(jobs))
        submissions.append(
            do_ingest(
                acting_user=None,
                organization=job.organization,
                fmt=job.fmt,
                paths=job.paths,
                mapping=load_mapping(MAPPINGS / job.mapping) if job.mapping else None,
                system=_system(manifest, job.listed_as),
            )
        )
    if progress:
        progress("ingest finished", len(jobs), len(jobs))
    return submissions
