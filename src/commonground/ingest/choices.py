"""Fixed vocabularies of ingest."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionFormat(models.TextChoices):
    """What kind of export a partner sent."""

    ONEROSTER = "oneroster", _("OneRoster 1.1/1.2 CSV")
    EDFI_XML = "edfi-xml", _("Ed-Fi XML interchange")
    TABULAR = "tabular", _("CSV/XLSX with a mapping")
    EDFI_API = "edfi-api", _("Ed-Fi ODS/API pull")


#: Formats a partner can send as files (an API pull is started by the hub, never uploaded).
FILE_FORMATS = (SubmissionFormat.ONEROSTER, SubmissionFormat.EDFI_XML, SubmissionFormat.TABULAR)


class SubmissionStatus(models.TextChoices):
    """Where a submission is: received → validated → accepted | rejected."""

    RECEIVED = "received", _("Received")
    VALIDATED = "validated", _("Validated")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Semantics(models.TextChoices):
    """How a submission's batches combine in the current view."""

    REPLACE = "replace", _("Replaces the previous batch (rosters)")
    APPEND = "append", _("Adds to the previous batches (events)")
