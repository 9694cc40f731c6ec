"""Daily school attendance: absence and tardy events, as a student information system records them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import stream
from .students import StudentChunk

EXCUSED, UNEXCUSED, TARDY = 0, 1, 2
CATEGORY_NAMES = ("Excused Absence", "Unexcused Absence", "Tardy")
REASONS = ("Absent excused", "Absent unexcused", "Tardy")


@dataclass
class AttendanceChunk:
    """Absence and tardy events of one chunk, plus per-spell enrolled and absent day counts."""

    student: np.ndarray  # int32 row within the chunk
    day: np.ndarray  # int16 instructional-day index
    category: np.ndarray  # int8: EXCUSED, UNEXCUSED or TARDY
    school: np.ndarray  # int8 school index
    arrival_minute: np.ndarray  # int16 minutes after midnight (tardies), 0 otherwise
    days_enrolled: np.ndarray  # (n, 2) int16 per spell
    days_absent: np.ndarray  # (n, 2) int16 per spell

    @property
    def rows(self) -> int:
        """Number of events."""
        return int(self.student.size)


def enrolled_mask(st: StudentChunk, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (n, days) matrices: enrolled in the first school, enrolled in the second school."""
    d = np.arange(n_days, dtype=np.int16)[None, :]
    m1 = (d >= st.entry1[:, None]) & (d < st.exit1[:, None])
    m2 = (st.school2[:, None] >= 0) & (d >= st.entry2[:, None]) & (d < st.exit2[:, None])
    return m1, m2


def simulate_attendance(seed: int, st: StudentChunk, day_weights: np.ndarray) -> AttendanceChunk:
    """Draw each enrolled day of each student: absent (excused/unexcused), tardy, or present (not recorded)."""
    rng = stream(seed, "attendance", st.chunk)
    n, n_days = st.n, day_weights.size
    m1, m2 = enrolled_mask(st, n_days)
    enrolled = m1 | m2
    u = rng.random((n, n_days), dtype=np.float32)
    p_abs = st.p_absent[:, None] * day_weights[None, :]
    absent = enrolled & (u < p_abs)
    tardy = enrolled & ~absent & (u < p_abs + st.p_tardy[:, None])
    days_enrolled = np.stack([m1.sum(axis=1), m2.sum(axis=1)], axis=1).astype(np.int16)
    days_absent = np.stack([(absent & m1).sum(axis=1), (absent & m2).sum(axis=1)], axis=1).astype(np.int16)
    del u, p_abs
    event = absent | tardy
    rows, days = np.nonzero(event)
    is_tardy = tardy[rows, days]
    in_second = m2[rows, days]
    excused_share = np.where(st.chronic_type, 0.35, 0.7)[rows]
    cat = np.where(is_tardy, TARDY, np.where(rng.random(rows.size) < excused_share, EXCUSED, UNEXCUSED))
    school = np.where(in_second, st.school2[rows], st.school1[rows])
    arrival = np.where(is_tardy, 8 * 60 + rng.integers(5, 95, rows.size), 0)
    return AttendanceChunk(
        rows.astype(np.int32), days.astype(np.int16), cat.astype(np.int8), school.astype(np.int8),
        arrival.astype(np.int16), days_enrolled, days_absent,
    )  # fmt: skip
