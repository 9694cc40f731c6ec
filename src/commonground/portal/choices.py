"""Choices of the family portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    """What a family asks the hub for."""

    INSPECT = "inspect", _("See the records (34 CFR 99.10)")
    AMEND = "amend", _("Correct a record (34 CFR 99.20)")


class RequestStatus(models.TextChoices):
    """Where a family's request stands."""

    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Done")
    DECLINED = "declined", _("Declined, with reasons")
