"""Django app configuration for the public and family-facing pages."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Public transparency page; the parent portal joins it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "commonground.portal"
    verbose_name = "Portal"
