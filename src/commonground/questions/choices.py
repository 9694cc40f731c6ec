"""Choices of the question catalog: who a question is for, where it stands, how often it is answered."""

from django.db import models


class Audience(models.TextChoices):
    """Who reads a question's releases."""

    PUBLIC = "public", "The public"
    LEADERS = "leaders", "Leaders"
    PARTNERS = "partners", "Partners"


class QuestionStatus(models.TextChoices):
    """Where a question stands: proposed → approved (or declined) → published → retired."""

    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Cadence(models.TextChoices):
    """How often a new release answers the question."""

    ANNUAL = "annual", "Once a school year"
    TERM = "term", "Every term"
    MONTHLY = "monthly", "Every month"
    ON_REQUEST = "on_request", "When asked"


#: Statuses in which a new release may be published.
RELEASABLE = (QuestionStatus.APPROVED, QuestionStatus.PUBLISHED)
#: Statuses a question has once governance review approved it.
REVIEWED_OK = (QuestionStatus.APPROVED, QuestionStatus.PUBLISHED, QuestionStatus.RETIRED)
