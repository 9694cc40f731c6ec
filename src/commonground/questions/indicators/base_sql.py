"""The shared SQL every indicator builds on: who a student is, days enrolled and absent, one row per student-year.

Written in the portable subset DuckDB and Spark SQL share (CTEs, CASE, COALESCE, window functions, CUBE and
GROUPING), so :mod:`.spark` only transpiles it. The CTEs, in order:

- ``link`` — the optional ``person_link`` (source_org, source_person_id → hub_person_id);
- ``enr``, ``cal`` → ``enr_days`` — enrollments with the instructional days (``calendar_date``) inside each
  spell (:mod:`.spells_sql` counts them without joining every spell to every day);
- ``absence`` → ``spell_abs`` — absence per student-day (excused/unexcused = 1 day, or ``duration`` days
  when given; partial = ``duration``; the largest event of a day), summed within each enrollment spell (same
  school, same school year, between entry and exit);
- ``summ`` — ``attendance_summary`` totals, for partners that only send totals (used where no enrollment
  spell with calendar days covers that student, school and year);
- ``ranked`` → ``student_year`` — one row per student-year: total days enrolled and absent over all its
  spells, and the breakdown columns ``d_*`` taken from the spell with the most days enrolled.
Optional blocks (``participation``, ``dosage``, ``behavior``, ``courses``) are added when an indicator or a
breakdown needs them.
"""

# ruff: noqa: S608 - the SQL is assembled from fixed fragments; parameter values pass params.sql_* first

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .params import sql_text
from .spells_sql import spell_ctes

FAR_FUTURE = "DATE '9999-12-31'"


def school_year_of(date_sql: str) -> str:
    """The school year (ending year; July starts a new one) of a date, in portable SQL."""
    return (
        f"(EXTRACT(YEAR FROM {date_sql}) + CASE WHEN EXTRACT(MONTH FROM {date_sql}) >= 7 THEN 1 ELSE 0 END)"
    )


@dataclass(frozen=True)
class Identity:
    """How a row of a canonical table names its student: the hub's ID when linked, else the source's ID."""

    linked: bool

    def cols(self, alias: str) -> str:
        """``key_org, key_id`` select expressions for table alias ``alias`` (its link alias is ``alias_l``)."""
        if not self.linked:
            return f"{alias}.source_org AS key_org, {alias}.source_person_id AS key_id"
        link = f"{alias}_l"
        return (
            f"CASE WHEN {link}.hub_person_id IS NULL THEN {alias}.source_org ELSE '~hub' END AS key_org, "
            f"COALESCE({link}.hub_person_id, {alias}.source_person_id) AS key_id"
        )

    def join(self, alias: str) -> str:
        """The LEFT JOIN to ``link`` for table alias ``alias`` (empty when no link is given)."""
        if not self.linked:
            return ""
        link = f"{alias}_l"
        return (
            f" LEFT JOIN link {link} ON {link}.source_org = {alias}.source_org"
            f" AND {link}.source_person_id = {alias}.source_person_id"
        )


def _program_filter(program: str, *columns: str) -> str:
    if not program:
        return "1 = 1"
    literal = sql_text(program)
    return "(" + " OR ".join(f"{c} = {literal}" for c in columns) + ")"


def base_ctes(
    ident: Identity,
    needs: frozenset[str],
    params: Mapping[str, object],
    extra_person_cols: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """The CTEs up to ``student_year`` (plus the optional blocks in ``needs``), as (name, body) pairs."""
    ctes: list[tuple[str, str]] = []
    if ident.linked:
        ctes.append(
            (
                "link",
                "SELECT source_org, source_person_id, MAX(hub_person_id) AS hub_person_id FROM person_link "
                "WHERE hub_person_id IS NOT NULL GROUP BY source_org, source_person_id",
            )
        )
    ctes += [
        (
            "enr",
            f"SELECT {ident.cols('e')}, e.source_org, e.source_person_id, e.school_id, "
            f"COALESCE(e.school_year, {school_year_of('e.entry_date')}) AS school_year, e.entry_date, "
            f"COALESCE(e.exit_date, {FAR_FUTURE}) AS exit_date, e.grade_level "
            f"FROM enrollment e{ident.join('e')} "
            "WHERE e.source_person_id IS NOT NULL AND e.school_id IS NOT NULL AND e.entry_date IS NOT NULL",
        ),
        (
            "cal",
            f"SELECT DISTINCT source_org, school_id, COALESCE(school_year, {school_year_of('date')}) AS school_year, "
            "date FROM calendar_date WHERE instructional AND date IS NOT NULL",
        ),
    ]
    ctes += spell_ctes(ident, school_year_of("a.date"))
    ctes += [
        (
            "summ",
            f"SELECT {ident.cols('s')}, s.source_org, s.source_person_id, s.school_id, "
            f"COALESCE(s.school_year, {school_year_of('s.period_start')}) AS school_year, "
            "SUM(COALESCE(s.days_enrolled, 0)) AS days_enrolled, SUM(COALESCE(s.days_absent, 0)) AS days_absent "
            f"FROM attendance_summary s{ident.join('s')} WHERE s.source_person_id IS NOT NULL "
            "GROUP BY 1, 2, 3, 4, 5, 6",
        ),
        (
            "spells",
            "SELECT d.key_org, d.key_id, d.source_org, d.source_person_id, d.school_id, d.school_year, "
            "d.grade_level, CAST(d.days_enrolled AS DOUBLE) AS days_enrolled, "
            "CAST(COALESCE(a.days_absent, 0) AS DOUBLE) AS days_absent "
            "FROM enr_days d LEFT JOIN spell_abs a ON a.key_org = d.key_org AND a.key_id = d.key_id "
            "AND a.school_id = d.school_id AND a.entry_date = d.entry_date "
            "UNION ALL "
            "SELECT s.key_org, s.key_id, s.source_org, s.source_person_id, s.school_id, s.school_year, "
            "CAST(NULL AS VARCHAR) AS grade_level, CAST(s.days_enrolled AS DOUBLE), CAST(s.days_absent AS DOUBLE) "
            "FROM summ s LEFT JOIN (SELECT DISTINCT key_org, key_id, school_id, school_year FROM enr_days "
            "WHERE days_enrolled > 0) c ON c.key_org = s.key_org AND c.key_id = s.key_id "
            "AND c.school_id = s.school_id AND c.school_year = s.school_year WHERE c.key_id IS NULL",
        ),
        (
            "ranked",
            "SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.key_org, p.key_id, p.school_year "
            "ORDER BY p.days_enrolled DESC, p.school_id, p.grade_level) AS rn, "
            "SUM(p.days_enrolled) OVER (PARTITION BY p.key_org, p.key_id, p.school_year) AS total_enrolled, "
            "SUM(p.days_absent) OVER (PARTITION BY p.key_org, p.key_id, p.school_year) AS total_absent "
            "FROM spells p",
        ),
    ]
    person_cols = "".join(f", MAX({c}) AS {c}" for c in extra_person_cols)
    ctes += [
        (
            "persons",
            "SELECT source_org, source_person_id, MAX(sex) AS sex, MAX(grade_level) AS grade_level"
            f"{person_cols} FROM person GROUP BY source_org, source_person_id",
        ),
        (
            "schools",
            "SELECT source_org, school_id, MAX(neighborhood) AS neighborhood FROM school GROUP BY 1, 2",
        ),
    ]
    program = str(params.get("program", "") or "")
    if "participation" in needs:
        ctes.append(
            (
                "participation",
                "SELECT DISTINCT key_org, key_id, school_year FROM ("
                f"SELECT {ident.cols('g')}, y.school_year FROM program_participation g{ident.join('g')} "
                "JOIN (SELECT DISTINCT school_year FROM spells) y "
                f"ON {school_year_of('g.begin_date')} <= y.school_year "
                f"AND {school_year_of(f'COALESCE(g.end_date, {FAR_FUTURE})')} >= y.school_year "
                f"WHERE g.begin_date IS NOT NULL AND {_program_filter(program, 'g.program', 'g.program_type')} "
                "UNION ALL "
                f"SELECT {ident.cols('v')}, {school_year_of('v.date')} AS school_year "
                f"FROM service_contact v{ident.join('v')} "
                f"WHERE v.date IS NOT NULL AND {_program_filter(program, 'v.service_type')}) pp",
            )
        )
    if "dosage" in needs:
        ctes.append(
            (
                "dosage",
                f"SELECT {ident.cols('v')}, {school_year_of('v.date')} AS school_year, "
                "COUNT(DISTINCT v.date) AS service_days, SUM(COALESCE(v.minutes, 0)) AS service_minutes "
                f"FROM service_contact v{ident.join('v')} "
                f"WHERE v.date IS NOT NULL AND {_program_filter(program, 'v.service_type')} GROUP BY 1, 2, 3",
            )
        )
    ctes.append(("student_year", _student_year(needs, params, extra_person_cols)))
    return ctes


def _student_year(
    needs: frozenset[str], params: Mapping[str, object], extra_person_cols: tuple[str, ...]
) -> str:
    year = int(params.get("school_year", 0) or 0)  # type: ignore[call-overload]
    extra = "".join(f", COALESCE(CAST(p.{c} AS VARCHAR), 'Unknown') AS d_{c}" for c in extra_person_cols)
    program = (
        ", CASE WHEN pt.key_id IS NULL THEN 'non-participant' ELSE 'participant' END AS d_program, "
        "CASE WHEN pt.key_id IS NULL THEN 0 ELSE 1 END AS is_participant"
        if "participation" in needs
        else ""
    )
    program_join = (
        " LEFT JOIN participation pt ON pt.key_org = r.key_org AND pt.key_id = r.key_id "
        "AND pt.school_year = r.school_year"
        if "participation" in needs
        else ""
    )
    return (
        "SELECT r.key_org, r.key_id, r.school_year, r.total_enrolled AS days_enrolled, "
        "r.total_absent AS days_absent, r.school_id AS d_school, "
        "COALESCE(r.grade_level, p.grade_level, 'Unknown') AS d_grade, "
        "CAST(r.school_year AS VARCHAR) AS d_year, COALESCE(p.sex, 'Unknown') AS d_sex, "
        f"COALESCE(sc.neighborhood, 'Unknown') AS d_neighborhood{extra}{program} "
        "FROM ranked r LEFT JOIN persons p ON p.source_org = r.source_org "
        "AND p.source_person_id = r.source_person_id "
        "LEFT JOIN schools sc ON sc.source_org = r.source_org AND sc.school_id = r.school_id"
        f"{program_join} WHERE r.rn = 1" + (f" AND r.school_year = {year}" if year else "")
    )
