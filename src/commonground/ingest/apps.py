"""Ingest app: submissions from partner systems, published to the data plane."""

from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Principle 2 — connect, don't re-create: take what partners' systems already export."""

    name = "commonground.ingest"
    label = "ingest"
    verbose_name = "Ingest"
