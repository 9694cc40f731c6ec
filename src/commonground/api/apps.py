"""API app: the REST API mounted at /api/ with its OpenAPI document at /api/openapi.json."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner API; it has no models of its own and calls the same actions as the web pages."""

    name = "commonground.api"
    label = "api"
    verbose_name = "Partner API"
