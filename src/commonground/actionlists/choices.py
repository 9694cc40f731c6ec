"""Choices of data requests."""

from django.db import models


class RequestKind(models.TextChoices):
    """What a partner asks for."""

    ELEMENT = "element", "New data elements"
    POPULATION = "population", "A wider population"
    QUESTION = "question", "A new question"


class RequestStatus(models.TextChoices):
    """Where a request stands: both reviewers approve, then the steward drafts an amendment (or declines)."""

    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved by both reviewers"
    AMENDED = "amended", "Draft amendment created"
    DECLINED = "declined", "Declined"


class RequestStep(models.TextChoices):
    """One step of a request's history."""

    SUBMITTED = "submitted", "Submitted"
    STEWARD_APPROVED = "steward_approved", "Approved by the hub steward"
    OWNER_APPROVED = "owner_approved", "Approved by the disclosing organization"
    DECLINED = "declined", "Declined"
    AMENDED = "amended", "Draft amendment created"


OPEN = (RequestStatus.PENDING, RequestStatus.APPROVED)
