"""OneRoster rows → canonical tables: organizations and schools, students (with demographics) and enrollment
spells rolled up from class enrollments."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

from .oneroster_context import LIST_SPLIT, Ctx, base_columns, parse_value, unknown_ref
from .oneroster_files import Row
from .values import parse_grade, parse_iso_date, parse_sex, unwrap_id


def build(ctx: Ctx) -> None:
    """Build every canonical table the files make (organizations and schools, people, enrollments)."""
    orgs = _build_orgs(ctx)
    students = _build_people(ctx, orgs)
    _build_enrollments(ctx, orgs, students)


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
    """Students by users.role (1.1) or roles.csv (1.2); org lists from roles.csv when present."""
    students = {r.get("sourcedId") for r in ctx.rows.get("users", []) if r.get("role").lower() == "student"}
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


def _build_people(ctx: Ctx, orgs: dict[str, Row]) -> dict[str, Row]:
    if "users" not in ctx.rows:
        return {}
    result = ctx.result
    users = ctx.files["users"]
    students, role_orgs = _student_ids(ctx)
    demo = ctx.by_id("demographics")
    for row in ctx.rows.get("demographics", []):
        if row.get("sourcedId") not in students and row.get("sourcedId") not in ctx.by_id("users"):
            unknown_ref(ctx, "demographics", row, "sourcedId", row.get("sourcedId"), "users.csv")
    people: dict[str, Row] = {}
    builder = result.builder("person")
    wrapped: list[tuple[int, str]] = []
    birth_sources = result.birth_sources
    others = 0
    for row in ctx.rows["users"]:
        uid = row.get("sourcedId")
        tomb = row.get("status") == "tobedeleted"
        if uid not in students and not tomb:
            others += 1
            continue
        people[uid] = row
        raw_ids = row.get("userIds")
        local_id = None
        if raw_ids:
            parts = re.findall(r"\{[^{}]*\}", raw_ids) or [raw_ids]
            local, was_wrapped = unwrap_id(parts[0])
            local_id = local if was_wrapped else None
            if was_wrapped:
                wrapped.append((row.line, raw_ids))
        org_list = [
            o for o in LIST_SPLIT.split(row.get("primaryOrgSourcedId") or row.get("orgSourcedIds")) if o
        ]
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
        d = demo.get(uid)
        birth = sex = None
        if d is not None:
            birth_sources[uid] = (
                ctx.files["demographics"].file,
                d.line,
                ctx.files["demographics"].col("birthDate"),
            )
            birth = parse_value(ctx, "demographics", d, "birthDate", parse_iso_date, "a date as YYYY-MM-DD")
            sex = parse_value(ctx, "demographics", d, "sex", parse_sex, "female, male, other or unspecified")
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
                "email": row.get("email") or None,
                "phone": row.get("phone") or None,
                "school_id": (schools or org_list or [None])[0],
                "grade_level": grade,
            }
        )
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
    if others:
        result.notes.append(f"{users.file}: {others} non-student users (teachers, staff, parents) not kept")
    builder.finish()
    return people


def _school_year(
    ctx: Ctx, cls: Row | None, sessions: dict[str, Row], begin: dt.date | None
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
        course = ctx.by_id("courses").get(cls.get("courseSourcedId"))
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


def _build_enrollments(ctx: Ctx, orgs: dict[str, Row], students: dict[str, Row]) -> None:
    if "enrollments" not in ctx.rows:
        return
    classes, sessions, users = ctx.by_id("classes"), ctx.by_id("academicSessions"), ctx.by_id("users")
    for row in ctx.rows.get("classes", []):
        if orgs and row.get("schoolSourcedId") not in orgs:
            unknown_ref(ctx, "classes", row, "schoolSourcedId", row.get("schoolSourcedId"), "orgs.csv")
        courses = ctx.by_id("courses")
        if "courses" in ctx.rows and row.get("courseSourcedId") not in courses:
            unknown_ref(ctx, "classes", row, "courseSourcedId", row.get("courseSourcedId"), "courses.csv")
        for term in (t for t in LIST_SPLIT.split(row.get("termSourcedIds")) if t):
            if "academicSessions" in ctx.rows and term not in sessions:
                unknown_ref(ctx, "classes", row, "termSourcedIds", term, "academicSessions.csv")
    spells: dict[tuple[str, str, int | None], dict[str, Any]] = {}
    builder = ctx.result.builder("enrollment")
    for row in ctx.rows["enrollments"]:
        uid, school, cid = row.get("userSourcedId"), row.get("schoolSourcedId"), row.get("classSourcedId")
        tomb = row.get("status") == "tobedeleted"
        if not tomb:
            if users and uid not in users:
                unknown_ref(ctx, "enrollments", row, "userSourcedId", uid, "users.csv")
            if orgs and school not in orgs:
                unknown_ref(ctx, "enrollments", row, "schoolSourcedId", school, "orgs.csv")
            if "classes" in ctx.rows and cid not in classes:
                unknown_ref(ctx, "enrollments", row, "classSourcedId", cid, "classes.csv")
        if row.get("role").lower() != "student" or (users and uid not in students and not tomb):
            continue
        begin = parse_value(ctx, "enrollments", row, "beginDate", parse_iso_date, "a date as YYYY-MM-DD")
        end = parse_value(ctx, "enrollments", row, "endDate", parse_iso_date, "a date as YYYY-MM-DD")
        if begin and end and end < begin:
            ctx.result.error(
                "bad-date",
                ctx.files["enrollments"].file,
                row.line,
                ctx.files["enrollments"].col("endDate"),
                str(end),
                f"an end date on or after {begin}",
            )
        year, session_id, term_dates = _school_year(ctx, classes.get(cid), sessions, begin)
        starts = [d for d in (begin, *term_dates[::2]) if d]
        ends = [d for d in (end, *term_dates[1::2]) if d]
        key = (uid, school, year)
        spell = spells.get(key)
        if spell is None or tomb:
            student = students.get(uid)
            grade = None
            if student is not None and student.get("grades"):
                try:
                    grade = parse_grade(LIST_SPLIT.split(student.get("grades"))[0])
                except ValueError:
                    grade = None
            spell = {
                **base_columns(ctx, "enrollments", row),
                "source_person_id": uid,
                "school_id": school,
                "session_id": session_id,
                "school_year": year,
                "entry_date": None,
                "exit_date": None,
                "grade_level": grade,
            }
            if tomb:
                builder.append(spell)
                continue
            spells[key] = spell
        if begin or starts:
            first = begin or min(starts)
            spell["entry_date"] = min(d for d in (spell["entry_date"], first) if d)
        if end or ends:
            last = end or max(ends)
            spell["exit_date"] = max(d for d in (spell["exit_date"], last) if d)
    builder.extend(spells.values())
    builder.finish()
