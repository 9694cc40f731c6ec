"""Linkage app: the person registry, linkage runs and the review queue."""

from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """Principle 5 — a trusted local hub links: one hub person id for the same child across organizations."""

    name = "commonground.linkage"
    label = "linkage"
    verbose_name = "Linkage"
