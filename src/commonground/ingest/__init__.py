"""Ingest: submissions from partner systems; ``connectors`` holds the Django-free parsers."""
