"""Django app configuration for action lists and data requests."""

from django.apps import AppConfig


class ActionListsConfig(AppConfig):
    """Need-to-know student lists read through the gate; partners' requests for more data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "commonground.actionlists"
    verbose_name = "Action lists and data requests"
