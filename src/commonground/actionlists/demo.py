"""Demo: the after-school program's participation spells, so its site coordinator's action list has students, and
one pending data request from him.  Idempotent: a second run ingests nothing and asks nothing again.

The generator writes the after-school roster (participants.csv, with each child's program start) but the demo
ingested it only as person records; program spells are what place a child in the program's population, so the
same file also goes in as ``program_participation`` through the ordinary ingest path, with the mapping below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from commonground.actionlists.actions import do_submit_data_request
from commonground.actionlists.choices import RequestKind
from commonground.actionlists.models import DataRequest
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.governance.models import Agreement
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import mapping_from_dict
from commonground.people.models import User

PROGRAM = "After-school program"
REQUESTED = ["enrollment.entry_date", "enrollment.exit_date", "discipline_action.date",
             "discipline_action.action_type", "assessment_result.performance_level"]  # fmt: skip
REASON = (
    "Our site coordinators follow up when a participant starts missing school. With enrollment dates we can see "
    "attendance rates and chronic absence, not just the absences; with suspensions and assessment levels we can "
    "plan tutoring and mentoring before a child falls behind. Families would consent on the 2026 enrollment form."
)


def _afterschool(manifest: dict[str, Any]) -> tuple[Organization, str] | None:
    for entry in manifest["files"]:
        if entry["path"] == "partners/afterschool/participants.csv":
            return Organization.objects.get(slug=entry["organization"]), entry.get("system", "")
    return None


def ingest_program_spells(manifest: dict[str, Any], root: Path) -> str:
    """Send the after-school roster in again as program spells; return the submission's status ('' if none)."""
    found = _afterschool(manifest)
    path = root / "partners" / "afterschool" / "participants.csv"
    if found is None or not path.exists():
        return ""
    org, system_name = found
    mapping = mapping_from_dict(
        {
            "table": "program_participation",
            "id_column": "Participant ID",
            "columns": {"begin_date": "Program Start"},
            "constants": {"program": PROGRAM, "program_type": "afterschool", "org_id": org.slug},
            "date_formats": {"begin_date": ["%m/%d/%Y", "%Y-%m-%d"]},
        }
    )
    system = InformationSystem.objects.filter(organization=org, name=system_name).first()
    submission = do_ingest(
        acting_user=None, organization=org, fmt="tabular", paths=[path], mapping=mapping, system=system
    )
    return str(submission.status)


@transaction.atomic
def add_pending_request(manifest: dict[str, Any]) -> int:
    """The coordinator asks the district to add enrollment dates, suspensions and assessment levels to the
    after-school agreement; return how many requests were made (0 when one already exists)."""
    coordinator = User.objects.filter(username="coordinator").first()
    agreement = Agreement.objects.filter(reference="DSA-AFTERSCHOOL").first()
    if coordinator is None or agreement is None or DataRequest.objects.filter(requester=coordinator).exists():
        return 0
    membership = coordinator.active_memberships().first()
    if membership is None:
        return 0
    district = Organization.objects.get(slug=manifest["district"]["slug"])
    do_submit_data_request(
        acting_user=coordinator, organization=membership.organization, disclosing=district,
        kind=RequestKind.ELEMENT, reason=REASON, elements=REQUESTED, agreement=agreement,
    )  # fmt: skip
    return 1
