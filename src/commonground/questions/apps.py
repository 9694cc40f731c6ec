"""Django app configuration for the question catalog and its releases."""

from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    """Questions leaders ask, their indicators and breakdowns, and the immutable releases that answer them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "commonground.questions"
    verbose_name = "Questions and releases"
