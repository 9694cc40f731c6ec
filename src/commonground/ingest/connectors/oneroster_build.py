"""OneRoster rows → canonical tables: organizations and schools, students (with demographics) and enrollment
spells rolled up from class enrollments."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import sys
from typing import Any

from .canonical import TableBuilder
from .oneroster_context import LIST_SPLIT, Ctx, base_columns, parse_value, unknown_ref
from .oneroster_files import FileRows, Row
from .oneroster_stream import Demographics, RowHashes, UserIndex, read_demographics, stream_file
from .values import parse_grade, parse_iso_date, parse_sex, unwrap_id

#: Enrollment dates repeat (term starts and ends): one date object per distinct text, held by many spells.
_shared_date = functools.lru_cache(maxsize=4096)(parse_iso_date)

#: Rows per canonical batch: person rows wait as dicts until a batch is full, so this bounds their memory.
BATCH_ROWS = 8192


def build(ctx: Ctx) -> None:
    """Build every canonical table the files make (organizations and schools, people, enrollments)."""
    orgs = _build_orgs(ctx)
    users = _build_people(ctx, orgs)
    _build_enrollments(ctx, orgs, users)


def _build_orgs(ctx: Ctx) -> dict[str, Row]:
    orgs = ctx.by_id("orgs")
    if "orgs" not in ctx.rows:
        return orgs
    org_b, school_b = ctx.result.builder("organization"), ctx.result.builder("school")
    for row in ctx.rows["orgs"]:
        base = base_columns(ctx, "orgs", row)
        parent = row.get("parentSourcedId")
        if parent and parent not in orgs and ctx.modes.get("orgs") == "bulk":
            unknown_ref(ctx, "orgs", row, "parentSourcedId", parent, "orgs.csv")
        org_b.append(
            {
                **base,
                "org_id": row.get("sourcedId"),
                "name": row.get("name") or None,
                "org_type": row.get("type") or None,
                "parent_org_id": parent or None,
                "identifier": row.get("identifier") or None,
            }
        )
        if row.get("type") == "school" or row.get("status") == "tobedeleted":
            parent_row = orgs.get(parent)
            school_b.append(
                {
                    **base,
                    "school_id": row.get("sourcedId"),
                    "name": row.get("name") or None,
                    "district": (parent_row.get("name") if parent_row else parent) or None,
                    "address": " ".join(
                        x for x in (row.get("metadata.address1"), row.get("metadata.address2")) if x
                    )
                    or None,
                    "city": row.get("metadata.city") or None,
                    "state": row.get("metadata.state") or None,
                    "postal_code": row.get("metadata.postCode") or None,
                    "latitude": parse_value(
                        ctx, "orgs", row, "metadata.latitude", float, "a decimal latitude"
                    ),
                    "longitude": parse_value(
                        ctx, "orgs", row, "metadata.longitude", float, "a decimal longitude"
                    ),
                }
            )
    org_b.finish()
    school_b.finish()
    return orgs


def _student_ids(ctx: Ctx) -> tuple[set[str], dict[str, list[str]]]:
    """Students named by roles.csv (1.2; users.role names them in 1.1); org lists from roles.csv when present."""
    students: set[str] = set()
    role_orgs: dict[str, list[str]] = {}
    for row in ctx.rows.get("roles", []):
        if row.get("role").lower() == "student":
            students.add(row.get("userSourcedId"))
            orgs = role_orgs.setdefault(row.get("userSourcedId"), [])
            if row.get("roleType").lower() == "primary":
                orgs.insert(0, row.get("orgSourcedId"))
            else:
                orgs.append(row.get("orgSourcedId"))
    return students, role_orgs


def _build_people(ctx: Ctx, orgs: dict[str, Row]) -> UserIndex:
    index = UserIndex()
    with stream_file(ctx, "users") as opened:
        if opened is None:
            return index
        users, rows = opened
        students, role_orgs = _student_ids(ctx)
        demo = read_demographics(ctx)
        ctx.result.birth_sources = demo
        builder = ctx.result.builder("person", batch_rows=BATCH_ROWS)
        counts = {"others": 0}
        wrapped: list[tuple[int, str]] = []
        for row in rows:
            if index.first(row, users, ctx.result):
                _person(ctx, row, users, orgs, students, role_orgs, demo, builder, index, wrapped, counts)
        builder.finish()
    demo.release()  # the enrollment roll-up comes next and needs none of it
    result = ctx.result
    for uid, line in demo.lines():
        if uid not in students and uid not in index:
            unknown_ref(ctx, "demographics", Row(line, {"sourcedId": uid}), "sourcedId", uid, "users.csv")
    if wrapped:
        line, raw_value = wrapped[0]
        result.warning(
            "wrapped-id",
            users.file,
            line,
            users.col("userIds"),
            raw_value,
            f"a plain identifier; {len(wrapped)} userIds like {{Local:863}} were unwrapped (raw value kept)",
        )
    if counts["others"]:
        result.notes.append(
            f"{users.file}: {counts['others']} non-student users (teachers, staff, parents) not kept"
        )
    return index


def _person(
    ctx: Ctx,
    row: Row,
    users: FileRows,
    orgs: dict[str, Row],
    students: set[str],
    role_orgs: dict[str, list[str]],
    demo: Demographics,
    builder: TableBuilder,
    index: UserIndex,
    wrapped: list[tuple[int, str]],
    counts: dict[str, int],
) -> None:
    """The person row of one users.csv row (students and tombstones; others are only counted)."""
    result = ctx.result
    uid = row.get("sourcedId")
    tomb = row.get("status") == "tobedeleted"
    student = uid in students or row.get("role").lower() == "student"
    if not student and not tomb:
        counts["others"] += 1
        return
    raw_ids = row.get("userIds")
    local_id = None
    if raw_ids:
        parts = re.findall(r"\{[^{}]*\}", raw_ids) or [raw_ids]
        local, was_wrapped = unwrap_id(parts[0])
        local_id = local if was_wrapped else None
        if was_wrapped:
            wrapped.append((row.line, raw_ids))
    org_list = [o for o in LIST_SPLIT.split(row.get("primaryOrgSourcedId") or row.get("orgSourcedIds")) if o]
    org_list = org_list or role_orgs.get(uid, [])
    for org in org_list:
        if orgs and org not in orgs:
            unknown_ref(ctx, "users", row, "orgSourcedIds", org, "orgs.csv")
    schools = [o for o in org_list if orgs.get(o) and orgs[o].get("type") == "school"]
    grade_text = LIST_SPLIT.split(row.get("grades"))[0] if row.get("grades") else ""
    grade = None
    if grade_text:
        try:
            grade = parse_grade(grade_text)
        except ValueError:
            result.error(
                "bad-value",
                users.file,
                row.line,
                users.col("grades"),
                grade_text,
                "a grade level such as KG, 01 … 12, PK",
            )
    if student:
        index.mark_student(uid, grade)
    d = demo.row(uid)
    birth = sex = None
    race_ethnicity = demo.race_ethnicity(uid)
    if d is not None:
        demographics = ctx.files["demographics"]
        birth = parse_value(ctx, "demographics", d, "birthDate", parse_iso_date, "a date as YYYY-MM-DD")
        sex = parse_value(ctx, "demographics", d, "sex", parse_sex, "female, male, other or unspecified")
        if (demographics.file, d.line) in result.row_errors:
            # An error on the demographics line is one of this student's person row (for quarantine).
            result.row_aliases[(demographics.file, d.line)] = (users.file, row.line)
    builder.append(
        {
            **base_columns(ctx, "users", row),
            "source_person_id": uid,
            "local_id": local_id,
            "ids_raw": raw_ids or None,
            "first_name": row.get("givenName") or None,
            "middle_name": row.get("middleName") or None,
            "last_name": row.get("familyName") or None,
            "preferred_first_name": row.get("preferredGivenName") or None,
            "preferred_last_name": row.get("preferredFamilyName") or None,
            "birth_date": birth,
            "sex": sex,
            "race_ethnicity": race_ethnicity,
            "email": row.get("email") or None,
            "phone": row.get("phone") or None,
            "school_id": (schools or org_list or [None])[0],
            "grade_level": grade,
        }
    )


def _school_year(
    cls: Row | None, sessions: dict[str, Row], courses: dict[str, Row], begin: dt.date | None
) -> tuple[int | None, str | None, list[dt.date]]:
    """(school year, school-year session id, term dates) for a class."""
    dates: list[dt.date] = []
    year: int | None = None
    session_id: str | None = None
    terms = [t for t in LIST_SPLIT.split(cls.get("termSourcedIds")) if t] if cls else []
    for term in terms:
        s = sessions.get(term)
        if s is None:
            continue
        for col in ("startDate", "endDate"):
            with contextlib.suppress(ValueError):
                dates.append(parse_iso_date(s.get(col)))
        if s.get("schoolYear").isdigit():
            year = int(s.get("schoolYear"))
        parent = sessions.get(s.get("parentSourcedId"))
        session_id = (
            s.get("sourcedId")
            if s.get("type") == "schoolYear"
            else (
                parent.get("sourcedId")
                if parent is not None and parent.get("type") == "schoolYear"
                else session_id
            )
        )
    if year is None and cls is not None:
        course = courses.get(cls.get("courseSourcedId"))
        sy = sessions.get(course.get("schoolYearSourcedId")) if course else None
        if sy is not None and sy.get("schoolYear").isdigit():
            year, session_id = int(sy.get("schoolYear")), sy.get("sourcedId")
    if year is None and begin is not None:
        year = begin.year + 1 if begin.month >= 7 else begin.year
    if session_id is None and year is not None:
        session_id = next(
            (
                s.get("sourcedId")
                for s in sessions.values()
                if s.get("type") == "schoolYear" and s.get("schoolYear") == str(year)
            ),
            None,
        )
    return year, session_id, dates


def _build_enrollments(ctx: Ctx, orgs: dict[str, Row], users: UserIndex) -> None:
    if ctx.modes.get("enrollments", "absent") == "absent":
        return
    classes, sessions = ctx.by_id("classes"), ctx.by_id("academicSessions")
    courses = ctx.by_id("courses")
    for row in ctx.rows.get("classes", []):
        if orgs and row.get("schoolSourcedId") not in orgs:
            unknown_ref(ctx, "classes", row, "schoolSourcedId", row.get("schoolSourcedId"), "orgs.csv")
        if "courses" in ctx.rows and row.get("courseSourcedId") not in courses:
            unknown_ref(ctx, "classes", row, "courseSourcedId", row.get("courseSourcedId"), "courses.csv")
        for term in (t for t in LIST_SPLIT.split(row.get("termSourcedIds")) if t):
            if "academicSessions" in ctx.rows and term not in sessions:
                unknown_ref(ctx, "classes", row, "termSourcedIds", term, "academicSessions.csv")
    spells: dict[tuple[str, str, int | None], list[Any]] = {}
    years: dict[tuple[str, dt.date | None], tuple[int | None, str | None, list[dt.date]]] = {}
    hashes = RowHashes()
    with stream_file(ctx, "enrollments") as opened:
        if opened is None:
            return
        enrollments, rows = opened
        builder = ctx.result.builder("enrollment", batch_rows=BATCH_ROWS)
        for row in rows:
            if not row.get("sourcedId"):
                ctx.result.error(
                    "missing-value",
                    enrollments.file,
                    row.line,
                    enrollments.col("sourcedId"),
                    None,
                    "a sourcedId",
                )
                continue
            hashes.add(row)
            _enrollment(ctx, row, orgs, users, classes, sessions, courses, years, spells, builder)
    hashes.report(enrollments, ctx.result)
    base = {"source_org": ctx.source_org, "source_file": enrollments.file}
    for (uid, school, year), (line, status, modified, session_id, entry, exit_) in spells.items():
        builder.append(
            {
                **base,
                "source_line": line,
                "record_status": status,
                "date_last_modified": modified,
                "source_person_id": uid,
                "school_id": school,
                "session_id": session_id,
                "school_year": year,
                "entry_date": entry,
                "exit_date": exit_,
                "grade_level": users.grade(uid),
            }
        )
    builder.finish()


def _enrollment(
    ctx: Ctx,
    row: Row,
    orgs: dict[str, Row],
    users: UserIndex,
    classes: dict[str, Row],
    sessions: dict[str, Row],
    courses: dict[str, Row],
    years: dict[tuple[str, dt.date | None], tuple[int | None, str | None, list[dt.date]]],
    spells: dict[tuple[str, str, int | None], list[Any]],
    builder: TableBuilder,
) -> None:
    """Fold one enrollments.csv row into its student's spell at the school in the school year."""
    uid, school, cid = row.get("userSourcedId"), row.get("schoolSourcedId"), row.get("classSourcedId")
    tomb = row.get("status") == "tobedeleted"
    if not tomb:
        if users and uid not in users:
            unknown_ref(ctx, "enrollments", row, "userSourcedId", uid, "users.csv")
        if orgs and school not in orgs:
            unknown_ref(ctx, "enrollments", row, "schoolSourcedId", school, "orgs.csv")
        if "classes" in ctx.rows and cid not in classes:
            unknown_ref(ctx, "enrollments", row, "classSourcedId", cid, "classes.csv")
    if row.get("role").lower() != "student" or (users and not users.is_student(uid) and not tomb):
        return
    begin = parse_value(ctx, "enrollments", row, "beginDate", _shared_date, "a date as YYYY-MM-DD")
    end = parse_value(ctx, "enrollments", row, "endDate", _shared_date, "a date as YYYY-MM-DD")
    if begin and end and end < begin:
        ctx.result.error(
            "bad-date",
            ctx.files["enrollments"].file,
            row.line,
            ctx.files["enrollments"].col("endDate"),
            str(end),
            f"an end date on or after {begin}",
        )
    cached = years.get((cid, begin))
    if cached is None:  # classes and their start dates repeat: one look-up per distinct pair
        cached = years[(cid, begin)] = _school_year(classes.get(cid), sessions, courses, begin)
    year, session_id, term_dates = cached
    starts = [d for d in (begin, *term_dates[::2]) if d]
    ends = [d for d in (end, *term_dates[1::2]) if d]
    key = (uid, sys.intern(school), year)  # few schools: one string each, not one per spell
    spell = spells.get(key)
    if spell is None or tomb:
        # A spell is kept as a short list, not a row dict: the roll-up holds one per student, school and year.
        columns = base_columns(ctx, "enrollments", row)
        spell = [row.line, columns["record_status"], columns["date_last_modified"], session_id, None, None]
        if tomb:
            builder.append(
                {
                    **columns,
                    "source_person_id": uid,
                    "school_id": school,
                    "session_id": session_id,
                    "school_year": year,
                    "grade_level": users.grade(uid),
                }
            )
            return
        spells[key] = spell
    if begin or starts:
        first = begin or min(starts)
        spell[4] = min(d for d in (spell[4], first) if d)
    if end or ends:
        last = end or max(ends)
        spell[5] = max(d for d in (spell[5], last) if d)
