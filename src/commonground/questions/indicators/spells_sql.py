"""Days enrolled and days absent per enrollment spell, in portable SQL that scales with students, not student-days.

The plain way to count a spell's instructional days joins every enrollment to every calendar day of its school
(100,000 students × 180 days = 18 million rows, then grouped back). Here the calendar days and the distinct
entry and exit dates are sorted together per school and year instead, and a running count of calendar days
gives ``days ≤ exit − days < entry`` — a few rows per school day, looked up by each spell with an equality
join. Absences are matched to spells by an integer spell number, so the per-day de-duplication groups on
(spell, date) rather than on text keys.

The CTEs, in order (they give the plain join's numbers, except that a spell sent twice no longer counts twice):

- ``spell`` — distinct enrollment spells (an identical row sent twice counts once) with a spell number ``sid``;
- ``bounds`` → ``enr_days`` — calendar days inside each spell (0 when exit is before entry);
- ``absence`` → ``spell_day`` → ``spell_abs`` — absence per spell-day (the largest event of the day), summed
  per spell and then per (student, school, entry date), the grain ``spells`` joins on.
"""

# ruff: noqa: S608 - the SQL is assembled from fixed fragments

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base_sql import Identity

#: The columns of ``enr`` that make a spell (all of them: rows equal in every one are the same spell).
SPELL_COLUMNS = (
    "key_org",
    "key_id",
    "source_org",
    "source_person_id",
    "school_id",
    "school_year",
    "entry_date",
    "exit_date",
    "grade_level",
)


def _at(alias: str, column: str, kind: int) -> str:
    """Join condition: the ``bounds`` row of a spell's entry (kind 0) or exit (kind 2) date."""
    return (
        f"{alias}.kind = {kind} AND {alias}.source_org = n.source_org AND {alias}.school_id = n.school_id "
        f"AND {alias}.school_year = n.school_year AND {alias}.date = n.{column}"
    )


def spell_ctes(ident: Identity, school_year_sql: str) -> list[tuple[str, str]]:
    """``spell`` … ``spell_abs`` (see the module docstring); ``enr`` and ``cal`` must come before them.

    ``school_year_sql`` is the school-year expression of ``a.date`` (an absence counts in the school year of
    its date, whatever year the event row names).
    """
    cols = ", ".join(SPELL_COLUMNS)
    by = ", ".join(f"x.{c}" for c in SPELL_COLUMNS)
    part = "PARTITION BY source_org, school_id, school_year ORDER BY date, kind"
    return [
        (
            "spell",
            f"SELECT x.*, ROW_NUMBER() OVER (ORDER BY {by}) AS sid FROM (SELECT DISTINCT {cols} FROM enr) x",
        ),
        # The distinct entry and exit dates of each school and year, sorted among its calendar days: kind 0
        # (entry) sorts before a calendar day of the same date and kind 2 (exit) after it, so the running count
        # is "calendar days before entry" on an entry row and "calendar days up to exit" on an exit row.
        (
            "bounds",
            f"SELECT source_org, school_id, school_year, date, kind, COUNT(CASE WHEN kind = 1 THEN 1 END) "
            f"OVER ({part} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cal_days FROM ("
            "SELECT source_org, school_id, school_year, date, 1 AS kind FROM cal "
            "UNION ALL SELECT DISTINCT source_org, school_id, school_year, entry_date, 0 FROM spell "
            "UNION ALL SELECT DISTINCT source_org, school_id, school_year, exit_date, 2 FROM spell) b",
        ),
        (
            "enr_days",
            "SELECT n.*, GREATEST(COALESCE(x.cal_days, 0) - COALESCE(e.cal_days, 0), 0) AS days_enrolled "
            f"FROM spell n LEFT JOIN bounds e ON {_at('e', 'entry_date', 0)} "
            f"LEFT JOIN bounds x ON {_at('x', 'exit_date', 2)}",
        ),
        (
            "absence",
            f"SELECT {ident.cols('a')}, a.source_org, a.school_id, a.date, {school_year_sql} AS school_year, "
            "CASE WHEN a.category IN ('excused', 'unexcused') THEN LEAST(COALESCE(a.duration, 1.0), 1.0) "
            "ELSE LEAST(COALESCE(a.duration, 0.0), 1.0) END AS absent "
            f"FROM attendance_event a{ident.join('a')} "
            "WHERE a.category IN ('excused', 'unexcused', 'partial') AND a.date IS NOT NULL",
        ),
        # several events on one day (an absence and a partial day) count once, as the largest of them
        (
            "spell_day",
            "SELECT d.sid, b.date, MAX(b.absent) AS absent FROM enr_days d JOIN absence b "
            "ON b.key_org = d.key_org AND b.key_id = d.key_id AND b.source_org = d.source_org "
            "AND b.school_id = d.school_id AND b.school_year = d.school_year "
            "AND b.date >= d.entry_date AND b.date <= d.exit_date GROUP BY d.sid, b.date",
        ),
        (
            "spell_abs",
            "SELECT d.key_org, d.key_id, d.school_id, d.entry_date, SUM(x.absent) AS days_absent "
            "FROM (SELECT sid, SUM(absent) AS absent FROM spell_day GROUP BY sid) x "
            "JOIN enr_days d ON d.sid = x.sid GROUP BY d.key_org, d.key_id, d.school_id, d.entry_date",
        ),
    ]
