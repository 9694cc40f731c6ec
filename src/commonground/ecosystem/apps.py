"""Ecosystem app: organizations, the information systems they run, and the data flows between them."""

from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    """Principle 2 — know your information ecosystem."""

    name = "commonground.ecosystem"
    label = "ecosystem"
    verbose_name = "Ecosystem registry"
