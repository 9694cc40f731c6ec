"""Governance models: agreements (with parties, signatories, versions), consents, directory information, the record
of disclosures, holds and the gate's population index."""

from commonground.governance.models.agreements import (
    Agreement,
    AgreementParty,
    AgreementQuerySet,
    AgreementVersion,
    Signatory,
)
from commonground.governance.models.consent import Consent
from commonground.governance.models.destruction import DestructionCertificate, DestructionKind
from commonground.governance.models.directory import DirectoryDesignation, DirectoryOptOut
from commonground.governance.models.disclosures import DisclosureBasis, DisclosureRecord, DisclosureRoute
from commonground.governance.models.holds import Hold, HoldScope
from commonground.governance.models.population import PopulationFact, PopulationFactKind
from commonground.governance.models.revision import FactsRevision

__all__ = [
    "Agreement",
    "AgreementParty",
    "AgreementQuerySet",
    "AgreementVersion",
    "Consent",
    "DestructionCertificate",
    "DestructionKind",
    "DirectoryDesignation",
    "DirectoryOptOut",
    "DisclosureBasis",
    "DisclosureRecord",
    "DisclosureRoute",
    "FactsRevision",
    "Hold",
    "HoldScope",
    "PopulationFact",
    "PopulationFactKind",
    "Signatory",
]
