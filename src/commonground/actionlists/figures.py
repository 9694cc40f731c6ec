"""Per-student figures of an action list, computed from rows the gate returned.  Django-free.

Thresholds default to the early-warning indicator's (``questions/indicators/early_warning.py``) so a student's
flag here means what the dashboards count.  Attendance events hold absences and tardies only (present is implied),
so the attendance rate is ``1 - days missed / days enrolled``, days enrolled being the weekdays (or the school's
instructional days when known) inside the student's enrollment spells up to the day the figures are as of.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from commonground.questions.indicators.early_warning import PARAMS

_DEFAULTS = {p.name: p.default for p in PARAMS}

#: Event categories that count as a missed day.
ABSENT = frozenset({"excused", "unexcused"})
AT_RISK, WARNING, ON_TRACK = 2, 1, 0
STATUS_LABELS = {AT_RISK: "at risk", WARNING: "early warning", ON_TRACK: "on track"}


@dataclass(frozen=True)
class Thresholds:
    """Cut points of the flags; the defaults are the early-warning indicator's."""

    attendance_at_risk: float = float(_DEFAULTS["attendance_at_risk"])
    attendance_warning: float = float(_DEFAULTS["attendance_warning"])
    grade_at_risk: float = float(_DEFAULTS["grade_at_risk"])
    grade_warning: float = float(_DEFAULTS["grade_warning"])
    suspensions_at_risk: int = int(_DEFAULTS["suspensions_at_risk"])
    incidents_at_risk: int = int(_DEFAULTS["incidents_at_risk"])
    incidents_warning: int = int(_DEFAULTS["incidents_warning"])
    chronic_share: float = 0.10
    recent_days: int = 30


DEFAULT = Thresholds()


def missed(category: str | None, duration: float | None = None) -> float:
    """The part of a day an attendance event misses: 1 for an absence, the missed share of a partial day."""
    if category in ABSENT:
        return 1.0
    if category == "partial" and duration is not None and 0 < duration <= 1:
        return float(duration)
    return 0.0


def days_enrolled(
    spells: Iterable[tuple[dt.date | None, dt.date | None]],
    until: dt.date,
    instructional: frozenset[dt.date] | None = None,
) -> int:
    """School days inside the enrollment spells (entry, exit inclusive) up to ``until``; overlaps count once.

    Without the school's calendar every weekday counts.

    Example:
        >>> days_enrolled([(dt.date(2025, 9, 1), dt.date(2025, 9, 7))], dt.date(2025, 9, 30))
        5
    """
    days: set[dt.date] = set()
    for entry, exit_ in spells:
        if entry is None:
            continue
        last = min(exit_ or until, until)
        day = entry
        while day <= last:
            if (instructional is None and day.weekday() < 5) or (
                instructional is not None and day in instructional
            ):
                days.add(day)
            day += dt.timedelta(days=1)
    return len(days)


def attendance_rate(missed_days: float, enrolled: int) -> float | None:
    """Share of enrolled days attended, or None without enrolled days."""
    if enrolled <= 0:
        return None
    return max(0.0, 1.0 - missed_days / enrolled)


def is_chronic(rate: float | None, t: Thresholds = DEFAULT) -> bool | None:
    """Chronically absent: missed at least ``chronic_share`` of enrolled days (None when the rate is unknown)."""
    if rate is None:
        return None
    return (1.0 - rate) >= t.chronic_share - 1e-9


def recent_absences(absence_days: Iterable[dt.date], as_of: dt.date, t: Thresholds = DEFAULT) -> int:
    """Days missed in the ``recent_days`` days ending on ``as_of``."""
    start = as_of - dt.timedelta(days=t.recent_days - 1)
    return len({d for d in absence_days if start <= d <= as_of})


def suspensions(action_types: Iterable[str | None]) -> int:
    """Discipline actions that are suspensions or expulsions (the indicator's rule: the words in the type)."""
    return sum(1 for a in action_types if a and ("suspension" in a.lower() or "expulsion" in a.lower()))


def is_failing(numeric: float | None, letter: str | None, t: Thresholds = DEFAULT) -> bool:
    """A failing course grade: numeric below the at-risk cut point, or a letter F."""
    if numeric is not None:
        return numeric < t.grade_at_risk
    return bool(letter) and str(letter).strip().upper().startswith("F")


def course_failures(grades: Iterable[tuple[float | None, str | None]], t: Thresholds = DEFAULT) -> int:
    """How many course grades are failing."""
    return sum(1 for numeric, letter in grades if is_failing(numeric, letter, t))


def latest_assessment(results: Iterable[tuple[dt.date | None, str | None, str | None]]) -> str | None:
    """The performance level of the latest assessment (with its subject), or None."""
    dated = [r for r in results if r[2]]
    if not dated:
        return None
    _date, subject, level = max(dated, key=lambda r: (r[0] or dt.date.min, r[1] or ""))
    return f"{level} ({subject})" if subject else str(level)


def attendance_status(rate: float | None, t: Thresholds = DEFAULT) -> int | None:
    """A: at risk below 0.80, early warning below 0.88."""
    if rate is None:
        return None
    if rate < t.attendance_at_risk:
        return AT_RISK
    return WARNING if rate < t.attendance_warning else ON_TRACK


def behavior_status(incidents: int, suspended: int, t: Thresholds = DEFAULT) -> int:
    """B: at risk with a suspension or many incidents, early warning with several."""
    if suspended >= t.suspensions_at_risk or incidents >= t.incidents_at_risk:
        return AT_RISK
    return WARNING if incidents >= t.incidents_warning else ON_TRACK


def course_status(grades: Sequence[tuple[float | None, str | None]], t: Thresholds = DEFAULT) -> int | None:
    """C: the lowest numeric grade against 65 / 72; letter grades only: F at risk, D early warning."""
    numeric = [n for n, _ in grades if n is not None]
    if numeric:
        lowest = min(numeric)
        if lowest < t.grade_at_risk:
            return AT_RISK
        return WARNING if lowest < t.grade_warning else ON_TRACK
    letters = [str(letter).strip().upper()[:1] for _, letter in grades if letter]
    if not letters:
        return None
    if "F" in letters:
        return AT_RISK
    return WARNING if "D" in letters else ON_TRACK


def overall_status(*statuses: int | None) -> int | None:
    """The worst of the known statuses (None when none is known)."""
    known = [s for s in statuses if s is not None]
    return max(known) if known else None


def monthly_absences(
    absence_days: Iterable[dt.date], as_of: dt.date, months: int = 6
) -> list[tuple[str, int]]:
    """Days missed per calendar month for the ``months`` months ending with ``as_of``'s month (oldest first)."""
    counts = Counter((d.year, d.month) for d in absence_days)
    out: list[tuple[str, int]] = []
    year, month = as_of.year, as_of.month
    for _ in range(months):
        out.append((dt.date(year, month, 1).strftime("%b %Y"), counts.get((year, month), 0)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def sparkline_points(values: Sequence[float], width: int = 80, height: int = 20) -> str:
    """SVG polyline points for ``values`` (higher value = higher on the line), padded by one pixel."""
    if not values:
        return ""
    top = max(values) or 1
    step = (width - 2) / max(len(values) - 1, 1)
    return " ".join(
        f"{1 + i * step:.1f},{height - 1 - (v / top) * (height - 2):.1f}" for i, v in enumerate(values)
    )
