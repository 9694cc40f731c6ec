"""OneRoster 1.1 / 1.2 CSV (folder or zip) → canonical ``person``, ``organization``, ``school``, ``enrollment``.

- ``manifest.csv`` is honoured: ``file.X`` = ``bulk`` | ``delta`` | ``absent``. Delta rows keep their ``status``
  and ``dateLastModified`` (``record_status``/``date_last_modified``); ``tobedeleted`` rows become tombstones.
- Students (role ``student`` in ``users.csv``, or in ``roles.csv`` for 1.2) become ``person`` rows, joined with
  ``demographics.csv`` (birth date, sex). Teachers and other roles are counted, not kept.
- ``enrollments.csv`` (student × class) is rolled up to ``enrollment`` (student × school × school year), with the
  school year taken from the class's terms (``academicSessions.csv``), then the course, then the dates.

Example:
    >>> result = parse_oneroster(Path("tests/fixtures/oneroster-1.1-grand-bend"), source_org="district")
    >>> result.rows()["person"]
    8
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import canonical
from .oneroster_files import SPECS, FileRows, Row, dedupe, read_file
from .report import ParseResult
from .sources import Source, SourceError, ZipLimits, open_source
from .textio import csv_records
from .validate import validate_result
from .values import parse_grade, parse_iso_date, parse_sex, parse_timestamp, unwrap_id

T = TypeVar("T")
MODES = ("bulk", "delta", "absent")
_LIST_SPLIT = re.compile(r"\s*,\s*")


@dataclass
class _Ctx:
    """Everything read so far for one submission."""

    source_org: str
    result: ParseResult
    modes: dict[str, str] = field(default_factory=dict)
    files: dict[str, FileRows] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def by_id(self, name: str) -> dict[str, Row]:
        return {r.get("sourcedId"): r for r in self.rows.get(name, [])}


def parse_oneroster(
    path: Path | list[Path], source_org: str, *, zip_limits: ZipLimits | None = None, validate: bool = True
) -> ParseResult:
    """Parse a OneRoster CSV export (a folder, a zip, or the list of its files)."""
    result = ParseResult()
    label = path[0].name if isinstance(path, list) and path else getattr(path, "name", "input")
    try:
        source = open_source(path, zip_limits)
    except SourceError as exc:
        result.error(exc.code, exc.member or label, None, None, exc.member, exc.message)
        return result.finish()
    try:
        ctx = _Ctx(source_org, result)
        _read_all(source, ctx)
    except SourceError as exc:
        result.error(exc.code, exc.member or source.label, None, None, exc.member, exc.message)
        return result.finish()
    finally:
        source.close()
    _build(ctx)
    if validate:
        validate_result(result, references=False)
    return result.finish()


def _read_manifest(source: Source, ctx: _Ctx) -> None:
    name = source.find("manifest.csv")
    result = ctx.result
    if name is None:
        result.warning(
            "missing-manifest",
            source.label,
            None,
            None,
            None,
            "a manifest.csv; every OneRoster file present is read as bulk",
        )
        for spec in SPECS:
            if source.find(f"{spec}.csv"):
                ctx.modes[spec] = "bulk"
        return
    with source.open(name) as raw:
        records = list(csv_records(raw, name, result, delimiter=","))
    props: dict[str, tuple[int, str]] = {}
    for line, fields in records[1:]:
        if len(fields) >= 2:
            props[fields[0].strip()] = (line, fields[1].strip())
    version = props.get("oneroster.version", (0, ""))[1]
    if version not in ("1.1", "1.2"):
        result.warning(
            "unknown-version",
            name,
            props.get("oneroster.version", (None, ""))[0],
            "value",
            version,
            "oneroster.version 1.1 or 1.2; read as 1.1/1.2 anyway",
        )
    for key, (line, value) in props.items():
        if not key.startswith("file."):
            continue
        mode = value.lower()
        if mode not in MODES:
            result.error("bad-manifest", name, line, "value", value, "bulk, delta or absent")
            continue
        if key[5:] in SPECS:
            ctx.modes[key[5:]] = mode
    for spec, mode in list(ctx.modes.items()):
        present = source.find(f"{spec}.csv")
        if mode != "absent" and present is None:
            result.error(
                "missing-file",
                f"{spec}.csv",
                None,
                None,
                None,
                f"the file, because manifest.csv says file.{spec} is {mode}",
            )
            del ctx.modes[spec]
        elif mode == "absent" and present is not None:
            result.warning(
                "unexpected-file",
                present,
                None,
                None,
                None,
                f"no {spec}.csv, because manifest.csv says absent; the file is ignored",
            )
    for spec in SPECS:
        if spec not in ctx.modes and source.find(f"{spec}.csv"):
            result.warning(
                "unlisted-file", f"{spec}.csv", None, None, None, f"file.{spec} in manifest.csv; read as bulk"
            )
            ctx.modes[spec] = "bulk"


def _read_all(source: Source, ctx: _Ctx) -> None:
    _read_manifest(source, ctx)
    for spec_name, mode in ctx.modes.items():
        if mode == "absent":
            continue
        name = source.find(f"{spec_name}.csv")
        assert name is not None  # noqa: S101 - _read_manifest dropped modes whose file is missing
        with source.open(name) as raw:
            rows = read_file(raw, SPECS[spec_name], name, ctx.result)
        if rows is None:
            continue
        ctx.files[spec_name] = rows
        ctx.rows[spec_name] = _check_status(rows, mode, ctx.result)


def _check_status(rows: FileRows, mode: str, result: ParseResult) -> list[Row]:
    empty: list[int] = []
    for row in rows.rows:
        status = row.get("status").lower()
        if status == "":
            if mode == "delta":
                result.error(
                    "missing-status",
                    rows.file,
                    row.line,
                    rows.col("status"),
                    None,
                    "active or tobedeleted (required in a delta file)",
                )
            else:
                empty.append(row.line)
        elif status not in ("active", "tobedeleted"):
            result.error(
                "bad-value",
                rows.file,
                row.line,
                rows.col("status"),
                row.get("status"),
                "active or tobedeleted",
            )
        elif status == "tobedeleted" and mode == "bulk":
            result.warning(
                "tombstone-in-bulk",
                rows.file,
                row.line,
                rows.col("status"),
                row.get("status"),
                "only active rows in a bulk file; the row is dropped",
            )
        row.values["status"] = status
    if empty:
        result.warning(
            "empty-status",
            rows.file,
            empty[0],
            rows.col("status"),
            "",
            f"active or tobedeleted; {len(empty)} row(s) have an empty status, read as active",
        )
    kept = [r for r in rows.rows if not (mode == "bulk" and r.get("status") == "tobedeleted")]
    rows.rows = kept
    return dedupe(rows, result)


def _parse(
    ctx: _Ctx, name: str, row: Row, column: str, parser: Callable[[str], T], expected: str
) -> T | None:
    text = row.get(column)
    if not text:
        return None
    try:
        return parser(text)
    except ValueError:
        rows = ctx.files[name]
        ctx.result.error(
            "bad-date" if "date" in expected.lower() else "bad-value",
            rows.file,
            row.line,
            rows.col(column),
            text,
            expected,
        )
        return None


def _base(ctx: _Ctx, name: str, row: Row) -> dict[str, Any]:
    status = row.get("status")
    return {
        "source_org": ctx.source_org,
        "source_file": ctx.files[name].file,
        "source_line": row.line,
        "record_status": status if ctx.modes.get(name) == "delta" else None,
        "date_last_modified": _parse(
            ctx,
            name,
            row,
            "dateLastModified",
            parse_timestamp,
            "an ISO 8601 date-time such as 2021-05-28T12:00:00Z",
        ),
    }


def _unknown_ref(ctx: _Ctx, name: str, row: Row, column: str, value: str, target: str) -> None:
    """An unknown reference is an error in bulk files, a warning in delta files (it may exist already)."""
    rows = ctx.files[name]
    expected = f"a sourcedId that exists in {target}"
    if ctx.modes.get(name) == "delta" or ctx.modes.get(target.removesuffix(".csv")) == "delta":
        ctx.result.warning(
            "unknown-reference",
            rows.file,
            row.line,
            rows.col(column),
            value,
            expected + " (delta: may refer to an earlier submission)",
        )
    else:
        ctx.result.error("unknown-reference", rows.file, row.line, rows.col(column), value, expected)


def _build(ctx: _Ctx) -> None:
    orgs = _build_orgs(ctx)
    students = _build_people(ctx, orgs)
    _build_enrollments(ctx, orgs, students)


def _build_orgs(ctx: _Ctx) -> dict[str, Row]:
    orgs = ctx.by_id("orgs")
    org_b, school_b = canonical.TableBuilder("organization"), canonical.TableBuilder("school")
    for row in ctx.rows.get("orgs", []):
        base = _base(ctx, "orgs", row)
        parent = row.get("parentSourcedId")
        if parent and parent not in orgs and ctx.modes.get("orgs") == "bulk":
            _unknown_ref(ctx, "orgs", row, "parentSourcedId", parent, "orgs.csv")
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
                    "latitude": _parse(ctx, "orgs", row, "metadata.latitude", float, "a decimal latitude"),
                    "longitude": _parse(ctx, "orgs", row, "metadata.longitude", float, "a decimal longitude"),
                }
            )
    if "orgs" in ctx.rows:
        ctx.result.tables["organization"] = org_b.finish()
        ctx.result.tables["school"] = school_b.finish()
    return orgs


def _student_ids(ctx: _Ctx) -> tuple[set[str], dict[str, list[str]]]:
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


def _build_people(ctx: _Ctx, orgs: dict[str, Row]) -> dict[str, Row]:
    if "users" not in ctx.rows:
        return {}
    result = ctx.result
    users = ctx.files["users"]
    students, role_orgs = _student_ids(ctx)
    demo = ctx.by_id("demographics")
    for row in ctx.rows.get("demographics", []):
        if row.get("sourcedId") not in students and row.get("sourcedId") not in ctx.by_id("users"):
            _unknown_ref(ctx, "demographics", row, "sourcedId", row.get("sourcedId"), "users.csv")
    people: dict[str, Row] = {}
    builder = canonical.TableBuilder("person")
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
            o for o in _LIST_SPLIT.split(row.get("primaryOrgSourcedId") or row.get("orgSourcedIds")) if o
        ]
        org_list = org_list or role_orgs.get(uid, [])
        for org in org_list:
            if orgs and org not in orgs:
                _unknown_ref(ctx, "users", row, "orgSourcedIds", org, "orgs.csv")
        schools = [o for o in org_list if orgs.get(o) and orgs[o].get("type") == "school"]
        grade_text = _LIST_SPLIT.split(row.get("grades"))[0] if row.get("grades") else ""
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
            birth = _parse(ctx, "demographics", d, "birthDate", parse_iso_date, "a date as YYYY-MM-DD")
            sex = _parse(ctx, "demographics", d, "sex", parse_sex, "female, male, other or unspecified")
        builder.append(
            {
                **_base(ctx, "users", row),
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
    result.tables["person"] = builder.finish()
    return people


def _school_year(
    ctx: _Ctx, cls: Row | None, sessions: dict[str, Row], begin: dt.date | None
) -> tuple[int | None, str | None, list[dt.date]]:
    """(school year, school-year session id, term dates) for a class."""
    dates: list[dt.date] = []
    year: int | None = None
    session_id: str | None = None
    terms = [t for t in _LIST_SPLIT.split(cls.get("termSourcedIds")) if t] if cls else []
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


def _build_enrollments(ctx: _Ctx, orgs: dict[str, Row], students: dict[str, Row]) -> None:
    if "enrollments" not in ctx.rows:
        return
    classes, sessions, users = ctx.by_id("classes"), ctx.by_id("academicSessions"), ctx.by_id("users")
    for row in ctx.rows.get("classes", []):
        if orgs and row.get("schoolSourcedId") not in orgs:
            _unknown_ref(ctx, "classes", row, "schoolSourcedId", row.get("schoolSourcedId"), "orgs.csv")
        courses = ctx.by_id("courses")
        if "courses" in ctx.rows and row.get("courseSourcedId") not in courses:
            _unknown_ref(ctx, "classes", row, "courseSourcedId", row.get("courseSourcedId"), "courses.csv")
        for term in (t for t in _LIST_SPLIT.split(row.get("termSourcedIds")) if t):
            if "academicSessions" in ctx.rows and term not in sessions:
                _unknown_ref(ctx, "classes", row, "termSourcedIds", term, "academicSessions.csv")
    spells: dict[tuple[str, str, int | None], dict[str, Any]] = {}
    builder = canonical.TableBuilder("enrollment")
    for row in ctx.rows["enrollments"]:
        uid, school, cid = row.get("userSourcedId"), row.get("schoolSourcedId"), row.get("classSourcedId")
        tomb = row.get("status") == "tobedeleted"
        if not tomb:
            if users and uid not in users:
                _unknown_ref(ctx, "enrollments", row, "userSourcedId", uid, "users.csv")
            if orgs and school not in orgs:
                _unknown_ref(ctx, "enrollments", row, "schoolSourcedId", school, "orgs.csv")
            if "classes" in ctx.rows and cid not in classes:
                _unknown_ref(ctx, "enrollments", row, "classSourcedId", cid, "classes.csv")
        if row.get("role").lower() != "student" or (users and uid not in students and not tomb):
            continue
        begin = _parse(ctx, "enrollments", row, "beginDate", parse_iso_date, "a date as YYYY-MM-DD")
        end = _parse(ctx, "enrollments", row, "endDate", parse_iso_date, "a date as YYYY-MM-DD")
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
                    grade = parse_grade(_LIST_SPLIT.split(student.get("grades"))[0])
                except ValueError:
                    grade = None
            spell = {
                **_base(ctx, "enrollments", row),
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
    ctx.result.tables["enrollment"] = builder.finish()
