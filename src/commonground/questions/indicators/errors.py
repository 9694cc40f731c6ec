"""Errors of the indicator library: every one names what was wrong in words a steward can act on."""

from __future__ import annotations


class IndicatorError(ValueError):
    """A request the library cannot answer: unknown indicator, breakdown or parameter, or a bad value."""


class IndicatorNotAvailable(IndicatorError):
    """The indicator is in the library but the canonical tables hold no data it could be computed from."""
