"""Errors of the dashboard builders, each saying what was wrong with the input and how to fix it."""

from __future__ import annotations


class DashboardError(ValueError):
    """A release's rows or a filter cannot be shown (unknown measure, unknown value, malformed row…)."""


class BoundaryError(DashboardError):
    """A neighbourhood boundaries file is not usable GeoJSON (the message names the file and the problem)."""
