"""Fixed vocabularies of the ecosystem registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    """What kind of organization takes part in the community."""

    DISTRICT = "district", _("School district")
    SCHOOL = "school", _("School")
    NONPROFIT = "nonprofit", _("Community nonprofit")
    AGENCY = "agency", _("Public agency")
    CITY = "city", _("City office")
    FUNDER = "funder", _("Funder")
    HUB = "hub", _("The hub")


class SystemKind(models.TextChoices):
    """What kind of information system an organization runs."""

    SIS = "sis", _("Student information system")
    LMS = "lms", _("Learning management system")
    PROGRAM = "program", _("Program / case management")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    HEALTH = "health", _("Health record")
    HMIS = "hmis", _("Homeless management information system")
    HUB = "hub", _("The hub")
    OTHER = "other", _("Other")


class Frequency(models.TextChoices):
    """How often a data flow runs."""

    REALTIME = "realtime", _("Continuously")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    TERM = "term", _("Each term")
    ANNUAL = "annual", _("Yearly")
    AD_HOC = "ad_hoc", _("On request")


class TransferMethod(models.TextChoices):
    """How the data travels along a flow."""

    API = "api", _("API")
    UPLOAD = "upload", _("File upload")
    SFTP = "sftp", _("Secure file transfer")
    RELEASE = "release", _("Published release")
    PORTAL = "portal", _("Web pages")
