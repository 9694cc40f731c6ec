"""Governance models: agreements (with parties, signatories, versions), consents, directory information."""

from commonground.governance.models.agreements import (
    Agreement,
    AgreementParty,
    AgreementQuerySet,
    AgreementVersion,
    Signatory,
)
from commonground.governance.models.consent import Consent
from commonground.governance.models.directory import DirectoryDesignation, DirectoryOptOut

__all__ = [
    "Agreement",
    "AgreementParty",
    "AgreementQuerySet",
    "AgreementVersion",
    "Consent",
    "DirectoryDesignation",
    "DirectoryOptOut",
    "Signatory",
]
