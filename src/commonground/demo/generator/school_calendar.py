"""The district's school calendar: instructional days from mid-August to late May, with holidays and breaks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SchoolCalendar:
    """Instructional days of one school year (the same calendar for every school of the district)."""

    school_year_start: int
    days: np.ndarray  # datetime64[D], sorted instructional days
    non_instructional: tuple[tuple[dt.date, str], ...]
    spring_start_index: int  # index into days of the first spring-semester day

    @property
    def school_year(self) -> str:
        """The school year as the district writes it, e.g. ``2025-2026``."""
        return f"{self.school_year_start}-{self.school_year_start + 1}"

    @property
    def n_days(self) -> int:
        """How many instructional days the year has."""
        return int(self.days.size)

    def date(self, index: int) -> dt.date:
        """The date of instructional day ``index``."""
        return dt.date.fromisoformat(str(self.days[index]))

    @property
    def first_day(self) -> dt.date:
        """First instructional day."""
        return self.date(0)

    @property
    def last_day(self) -> dt.date:
        """Last instructional day."""
        return self.date(self.n_days - 1)

    def session_name(self, index: int) -> str:
        """Ed-Fi session (semester) name of instructional day ``index``."""
        term = "Fall" if index < self.spring_start_index else "Spring"
        return f"{self.school_year} {term} Semester"

    def iso_strings(self) -> np.ndarray:
        """ISO date strings of all instructional days (index-aligned with ``days``)."""
        return np.datetime_as_string(self.days, unit="D")

    def day_weights(self) -> np.ndarray:
        """Relative absence risk per instructional day: Mondays, Fridays and days next to breaks run higher."""
        weekday = (self.days.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
        w = np.where((weekday == 0) | (weekday == 4), 1.15, 0.93)
        gaps = np.diff(self.days.astype("int64"))
        near_break = np.zeros(self.n_days, dtype=bool)
        near_break[:-1] |= gaps > 3
        near_break[1:] |= gaps > 3
        w = np.where(near_break, w * 1.3, w)
        winter = np.array([d.month in (12, 1, 2) for d in self.days.astype(object)])
        w = np.where(winter, w * 1.1, w)
        return (w / w.mean()).astype(np.float32)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 for last) given weekday (0 = Monday) of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _span(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def build_calendar(school_year_start: int) -> SchoolCalendar:
    """Build the calendar: third Monday of August to the last Friday of May, about 178 instructional days."""
    y = school_year_start
    first = _nth_weekday(y, 8, 0, 3)
    last = _nth_weekday(y + 1, 5, 4, -1)
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    spring_break = _nth_weekday(y + 1, 3, 0, 3)
    closed: list[tuple[dt.date, str]] = [
        (_nth_weekday(y, 9, 0, 1), "Labor Day"),
        (_nth_weekday(y, 10, 0, 2), "Professional development day"),
        (_nth_weekday(y, 10, 4, 4), "Parent-teacher conferences"),
        (dt.date(y, 11, 11), "Veterans Day"),
        (_nth_weekday(y, 11, 4, 1), "End of quarter teacher workday"),
        *(
            (d, "Thanksgiving break")
            for d in _span(thanksgiving - dt.timedelta(days=1), thanksgiving + dt.timedelta(days=1))
        ),
        *((d, "Winter break") for d in _span(dt.date(y, 12, 22), dt.date(y + 1, 1, 2))),
        (_nth_weekday(y + 1, 1, 0, 3), "Martin Luther King Jr. Day"),
        (_nth_weekday(y + 1, 2, 0, 3), "Presidents' Day"),
        (_nth_weekday(y + 1, 2, 4, 2), "Professional development day"),
        *((d, "Spring break") for d in _span(spring_break, spring_break + dt.timedelta(days=4))),
        (_nth_weekday(y + 1, 4, 4, 3), "Spring holiday"),
        (_nth_weekday(y + 1, 5, 0, -1), "Memorial Day"),
    ]
    closed_days = {d for d, _ in closed}
    days = [d for d in _span(first, last) if d.weekday() < 5 and d not in closed_days]
    spring_first = min(d for d in days if d.year == y + 1)
    arr = np.array(days, dtype="datetime64[D]")
    kept = tuple(sorted((d, label) for d, label in closed if first <= d <= last and d.weekday() < 5))
    return SchoolCalendar(y, arr, kept, days.index(spring_first))
