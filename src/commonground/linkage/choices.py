"""Fixed vocabularies of the person registry and the review queue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HubPersonStatus(models.TextChoices):
    """A hub person id is active, or was merged into another (it is never reused either way)."""

    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another hub person")


class ReviewStatus(models.TextChoices):
    """A pair between the thresholds waits for a person; the decision then overrides the model for good."""

    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted: one person")
    REJECTED = "rejected", _("Rejected: two people")
    UNSURE = "unsure", _("Unsure: kept apart for now")


class EventKind(models.TextChoices):
    """What happened to a hub person in the registry's history."""

    CREATED = "created", _("Created")
    RECORD_ADDED = "record_added", _("Record added")
    RECORD_REMOVED = "record_removed", _("Record removed")
    MERGED = "merged", _("Merged")
    SPLIT = "split", _("Split")


class RunKind(models.TextChoices):
    """A full run links every record (and trains the model); an incremental run links new records only."""

    FULL = "full", _("Full")
    INCREMENTAL = "incremental", _("Incremental")
