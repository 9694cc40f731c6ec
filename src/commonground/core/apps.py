"""Core app: shared abstract models and the audit trail."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks every domain app relies on."""

    name = "commonground.core"
    label = "core"
    verbose_name = "Core"
