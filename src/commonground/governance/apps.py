"""The governance app."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Agreements, consents, directory information and the pathfinder."""

    name = "commonground.governance"
    label = "governance"
    verbose_name = "Governance"
