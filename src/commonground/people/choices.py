"""Roles people hold in the hub."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A role a user holds within one organization (a membership)."""

    HUB_STEWARD = "hub_steward", _("Hub steward")
    DATA_LEAD = "data_lead", _("Partner data lead")
    CASE_MANAGER = "case_manager", _("Case manager / site coordinator")
    LEADER = "leader", _("Leader")
    RESEARCHER = "researcher", _("Researcher")
    PARENT = "parent", _("Parent or guardian")
    ELIGIBLE_STUDENT = "eligible_student", _("Eligible student (18+)")


ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.HUB_STEWARD: "Runs the neutral hub: registers partners and agreements, runs ingest and linkage, publishes.",
    Role.DATA_LEAD: "Submits the organization's data, reads data-quality reports, requests data.",
    Role.CASE_MANAGER: "Acts for the students the program serves, through need-to-know lists.",
    Role.LEADER: "Reads question dashboards and downloads evidence packs.",
    Role.RESEARCHER: "Receives de-identified or limited extracts under a studies agreement.",
    Role.PARENT: "Sees what the hub holds about their child and who has seen it; gives and revokes consent.",
    Role.ELIGIBLE_STUDENT: "A student of 18 or more, who holds the rights a parent holds for a younger child.",
}

#: Roles whose members can be shown student-level data (through the gate): they sign in with a second factor.
#: Leaders, funders and researchers without a study agreement see de-identified aggregates; parents and eligible
#: students see only their own child's record, verified through the portal's invitation code instead.
STUDENT_LEVEL_ROLES = frozenset({Role.HUB_STEWARD, Role.DATA_LEAD, Role.CASE_MANAGER, Role.RESEARCHER})
