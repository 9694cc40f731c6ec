"""The indicator library: every indicator by id, in the order leaders see them."""

from __future__ import annotations

from .attendance import ATTENDANCE_RATE, CHRONIC_ABSENCE
from .early_warning import EARLY_WARNING
from .errors import IndicatorError
from .matched import MATCHED_COMPARISON
from .model import Indicator
from .outcomes import GRADE3_READING, GRADE8_MATH, UNAVAILABLE
from .programs import PROGRAM_DOSAGE, SERVICE_GAPS

INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        ATTENDANCE_RATE,
        CHRONIC_ABSENCE,
        EARLY_WARNING,
        GRADE3_READING,
        GRADE8_MATH,
        PROGRAM_DOSAGE,
        MATCHED_COMPARISON,
        SERVICE_GAPS,
        *UNAVAILABLE,
    )
}


def get_indicator(indicator_id: str) -> Indicator:
    """The indicator with this id (``IndicatorError`` lists the known ids)."""
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise IndicatorError(f"unknown indicator {indicator_id!r}; known: {', '.join(INDICATORS)}") from None
