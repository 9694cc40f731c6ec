"""The synthetic community generator: determinism, file formats, realism and ground truth (Django-free)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from commonground.demo.generator import (
    GenerationResult,
    GeneratorConfig,
    PartnerErrorRates,
    generate,
    nicknames_for,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GRAND_BEND = FIXTURES / "oneroster-1.1-grand-bend"
EDFI_SAMPLE = FIXTURES / "edfi-xml-excerpt"


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate(GeneratorConfig(students=2000, seed=11, out_dir=tmp_path_factory.mktemp("community")))


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _ns(tag: str) -> tuple[str, str]:
    ns, _, local = tag[1:].partition("}")
    return ns, local


def _tags(path: Path) -> tuple[set[str], set[str]]:
    namespaces, names = set(), set()
    for _, el in ET.iterparse(path, events=("start",)):  # noqa: S314 - files this test just generated
        ns, local = _ns(el.tag)
        namespaces.add(ns)
        names.add(local)
    return namespaces, names


def _xml_records(path: Path, element: str) -> list[dict[str, str]]:
    """Flatten each ``element`` to {local tag: text} (last one wins)."""
    out = []
    for _, el in ET.iterparse(path, events=("end",)):  # noqa: S314 - files this test just generated
        if _ns(el.tag)[1] == element:
            out.append({_ns(c.tag)[1]: (c.text or "") for c in el.iter()})
            el.clear()
    return out


@pytest.mark.parametrize("bad", [0, -5, True, 2.5, "100", None])
def test_rejects_bad_student_counts(bad: object, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="students must"):
        GeneratorConfig(students=bad, seed=1, out_dir=tmp_path)  # type: ignore[arg-type]


def test_rejects_bad_error_rate(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nickname"):
        GeneratorConfig(
            students=10, seed=1, out_dir=tmp_path, partner_error_rates=PartnerErrorRates(nickname=1.5)
        )


def test_same_seed_same_bytes_different_seed_different(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    a = generate(
        GeneratorConfig(students=300, seed=5, out_dir=tmp_path / "a", progress=lambda *x: calls.append(x))
    )
    generate(GeneratorConfig(students=300, seed=5, out_dir=tmp_path / "b"))
    generate(GeneratorConfig(students=300, seed=6, out_dir=tmp_path / "c"))
    da, db, dc = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert da == db
    assert len(da) == len(a.manifest["files"]) + 3  # + community.json and the two truth files
    assert da["district/oneroster/users.csv"] != dc["district/oneroster/users.csv"]
    assert da["truth/ground_truth.csv"] != dc["truth/ground_truth.csv"]
    assert ("students", 300, 300) in calls


def test_manifest_describes_every_file(community: GenerationResult) -> None:
    root = community.out_dir
    m = json.loads((root / "community.json").read_text(encoding="utf-8"))
    assert m == community.manifest
    assert {"seed", "students", "school_year", "first_day", "last_day", "city", "generator_version", "district",
            "neighborhoods", "schools", "partners", "files", "truth"} <= set(m)  # fmt: skip
    assert (
        m["school_year"] == "2025-2026" and m["first_day"] == "2025-08-18" and m["last_day"] == "2026-05-29"
    )
    assert len(m["schools"]) == 12 and {s["level"] for s in m["schools"]} == {"elementary", "middle", "high"}
    assert len(m["neighborhoods"]) == 6 and len(m["partners"]) == 4
    assert sum(s["students"] for s in m["schools"]) >= 2000
    for f in m["files"]:
        assert hashlib.sha256((root / f["path"]).read_bytes()).hexdigest() == f["sha256"]
        assert f["format"] in {"oneroster-1.1", "edfi-xml-5", "parquet", "csv", "xlsx"}
        assert f["rows"] > 0, f["path"]
    kinds = {s["kind"] for p in m["partners"] for s in p["systems"]}
    assert kinds == {"program", "spreadsheet", "health", "hmis"}
    assert "HIPAA" in json.dumps(m["partners"]) and "HMIS" in json.dumps(m["partners"])


def test_oneroster_headers_match_the_grand_bend_sample(community: GenerationResult) -> None:
    ours = community.out_dir / "district/oneroster"
    for sample in sorted(GRAND_BEND.glob("*.csv")):
        with open(sample, newline="") as fh:
            expected = next(csv.reader(fh))
        with open(ours / sample.name, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = list(reader)
        assert header == expected, sample.name
        assert rows and all(len(r) == len(header) for r in rows), sample.name
    users = _rows(ours / "users.csv")
    roles = Counter(u["role"] for u in users)
    assert roles["student"] == 2000 and roles["teacher"] > 20
    assert all(u["userIds"].startswith("{Local:") for u in users if u["role"] == "student")
    demo = _rows(ours / "demographics.csv")
    assert {d["sex"] for d in demo} <= {"female", "male", "other", "unspecified", ""}
    sexes = Counter(d["sex"] for d in demo)
    assert 0.4 < sexes["female"] / 2000 < 0.6
    enrolled = {e["userSourcedId"] for e in _rows(ours / "enrollments.csv")}
    assert {u["sourcedId"] for u in users} <= enrolled


def test_edfi_xml_is_well_formed_with_sample_namespace_and_names(community: GenerationResult) -> None:
    edfi = community.out_dir / "district/edfi"
    sample_ns, sample_student = _tags(EDFI_SAMPLE / "Student.xml")
    _, sample_att = _tags(EDFI_SAMPLE / "StudentSchoolAttendance.xml")
    files = sorted(edfi.glob("*.xml"))
    assert {f.stem for f in files} >= {
        "EducationOrganization",
        "Calendar",
        "StudentSchoolAssociation",
        "StudentSchoolAttendanceEvent",
        "Grade",
        "DisciplineAction",
        "StudentAssessment",
    }
    for f in files:
        namespaces, _ = _tags(f)
        assert namespaces == sample_ns, f.name
    assert _tags(edfi / "StudentSchoolAttendanceEvent.xml")[1] <= sample_att
    assert _tags(edfi / "Student.xml")[1] <= sample_student | {"InterchangeStudent"}
    cats = Counter(
        r["AttendanceEventCategory"].split("#")[1]
        for r in _xml_records(edfi / "StudentSchoolAttendanceEvent.xml", "StudentSchoolAttendanceEvent")
    )
    assert set(cats) == {"Excused Absence", "Unexcused Absence", "Tardy"}
    levels = Counter(
        r["PerformanceLevel"] for r in _xml_records(edfi / "StudentAssessment.xml", "StudentAssessment")
    )
    assert len(levels) == 4


def test_calendar_and_chronic_absence_are_realistic(community: GenerationResult) -> None:
    edfi = community.out_dir / "district/edfi"
    by_school: dict[str, list[str]] = defaultdict(list)
    for r in _xml_records(edfi / "Calendar.xml", "CalendarDate"):
        if r["CalendarEvent"].endswith("#Instructional day"):
            by_school[r["SchoolId"]].append(r["Date"])
    assert len(by_school) == 12
    days = sorted(next(iter(by_school.values())))
    assert 170 <= len(days) <= 185
    index = {d: i for i, d in enumerate(days)}
    absences: Counter[tuple[str, str]] = Counter()
    for r in _xml_records(edfi / "StudentSchoolAttendanceEvent.xml", "StudentSchoolAttendanceEvent"):
        if "Absence" in r["AttendanceEventCategory"]:
            absences[(r["StudentUniqueId"], r["SchoolId"])] += 1
    chronic: dict[str, list[bool]] = defaultdict(list)
    for r in _xml_records(edfi / "StudentSchoolAssociation.xml", "StudentSchoolAssociation"):
        last = index[r["ExitWithdrawDate"]] if r.get("ExitWithdrawDate") else len(days) - 1
        enrolled = last - index[r["EntryDate"]] + 1
        if enrolled >= 10:
            chronic[r["SchoolId"]].append(absences[(r["StudentUniqueId"], r["SchoolId"])] >= 0.1 * enrolled)
    rates = {school: sum(v) / len(v) for school, v in chronic.items()}
    assert len(rates) == 12
    assert all(0.10 <= r <= 0.35 for r in rates.values()), rates
    assert max(rates.values()) - min(rates.values()) > 0.08


def test_birth_dates_fit_grades(community: GenerationResult) -> None:
    ours = community.out_dir / "district/oneroster"
    grade = {u["sourcedId"]: u["grades"] for u in _rows(ours / "users.csv") if u["role"] == "student"}
    for d in _rows(ours / "demographics.csv"):
        born = dt.date.fromisoformat(d["birthDate"])
        g = 0 if grade[d["sourcedId"]] == "KG" else int(grade[d["sourcedId"]])
        age = 2025 - born.year - ((born.month, born.day) > (9, 1))
        assert age in (g + 5, g + 6), (d, g)


def test_ground_truth_is_consistent(community: GenerationResult) -> None:
    root = community.out_dir
    truth = _rows(root / "truth/ground_truth.csv")
    keys = Counter((t["source_org"], t["source_person_id"]) for t in truth)
    assert max(keys.values()) == 1
    users = {
        u["sourcedId"]: u for u in _rows(root / "district/oneroster/users.csv") if u["role"] == "student"
    }
    district = {
        t["true_person_id"]: t["source_person_id"] for t in truth if t["source_org"] == "harbor-falls-usd"
    }
    assert set(district.values()) == set(users)
    partner_ids: dict[str, list[str]] = {
        "partners/afterschool/participants.csv": [r["Participant ID"] for r in _rows(root / "partners/afterschool/participants.csv")],
        "partners/clinic/patients.csv": [r["MRN"] for r in _rows(root / "partners/clinic/patients.csv", "cp1252")],
    }  # fmt: skip
    for path in ("partners/mentoring/mentee_roster.xlsx", "partners/housing/household_members.xlsx"):
        rows = CalamineWorkbook.from_path(str(root / path)).get_sheet_by_index(0).to_python()
        partner_ids[path] = [str(r[0]) for r in rows[1:]]
    by_file = defaultdict(set)
    for t in truth:
        by_file[t["source_file"]].add(t["source_person_id"])
    outside = 0
    for path, ids in partner_ids.items():
        assert len(ids) == len(set(ids)) and set(ids) == by_file[path], path
    for t in truth:
        if t["source_org"] != "harbor-falls-usd":
            outside += t["true_person_id"] not in district
    assert outside > 0
    # twins: distinct people, same birth date, surname and household phone
    demo = {d["sourcedId"]: d for d in _rows(root / "district/oneroster/demographics.csv")}
    groups = defaultdict(list)
    for sid, u in users.items():
        groups[(u["familyName"], u["phone"], demo[sid]["birthDate"])].append(sid)
    twins = [g for g in groups.values() if len(g) >= 2]
    assert 0.01 <= sum(len(g) for g in twins) / len(users) <= 0.04
    assert all(len({users[s]["givenName"] for s in g}) == len(g) for g in twins)


def test_requested_error_rates_are_realized(tmp_path: Path) -> None:
    rates = PartnerErrorRates(nickname=0.3, typo=0.0, day_month_swap=0.25, missing_birth_date=0.0, moved_address=0.0,
                              case_mangle=0.0, surname_part=0.0, missing_phone=0.0, extra_whitespace=0.0)  # fmt: skip
    res = generate(GeneratorConfig(students=3000, seed=3, out_dir=tmp_path, partner_error_rates=rates))
    root = res.out_dir
    truth = {
        (t["source_org"], t["source_person_id"]): t["true_person_id"]
        for t in _rows(root / "truth/ground_truth.csv")
    }
    users = {u["sourcedId"]: u for u in _rows(root / "district/oneroster/users.csv")}
    demo = {d["sourcedId"]: d for d in _rows(root / "district/oneroster/demographics.csv")}
    by_true = {truth[k]: k[1] for k in truth if k[0] == "harbor-falls-usd"}
    noise = _rows(root / "truth/noise_log.csv")
    logged = {(n["source_org"], n["source_person_id"], n["kind"]) for n in noise}
    assert {n["kind"] for n in noise} <= {"nickname", "day_month_swap"}
    published = [
        ("bright-futures-afterschool", r["Participant ID"], r["First Name"], r["Birthdate"])
        for r in _rows(root / "partners/afterschool/participants.csv")
    ]
    published += [("harbor-falls-school-health", r["MRN"], r["Pt First"], r["DOB (M/D/YYYY)"])
                  for r in _rows(root / "partners/clinic/patients.csv", "cp1252")]  # fmt: skip
    nick = [0, 0]
    swap = [0, 0]
    for org, pid, first, dob in published:
        sid = by_true.get(truth[(org, pid)])
        if sid is None:
            continue  # out-of-district child: no district record to compare with
        given, born = users[sid]["givenName"], dt.date.fromisoformat(demo[sid]["birthDate"])
        if nicknames_for(given):
            nick[0] += 1
            is_nick = first in nicknames_for(given)
            assert is_nick == ((org, pid, "nickname") in logged)
            assert is_nick or first == given
            nick[1] += is_nick
        if born.day <= 12 and born.day != born.month:
            swap[0] += 1
            m, d, y = (int(x) for x in dob.split("/"))
            is_swap = (m, d, y) == (born.day, born.month, born.year)
            assert is_swap == ((org, pid, "day_month_swap") in logged)
            swap[1] += is_swap
    for (n, k), p in ((nick, 0.3), (swap, 0.25)):
        assert n > 150
        tolerance = 4 * math.sqrt(
            p * (1 - p) / n
        )  # four standard errors: a false alarm about once in 15,000 runs
        assert abs(k / n - p) < tolerance, (k, n, p)


def test_partner_file_encodings_and_workbooks(community: GenerationResult) -> None:
    root = community.out_dir
    raw = (root / "partners/clinic/patients.csv").read_bytes()
    assert any(ch.encode("cp1252") in raw for ch in "éñáíóúÑÉ")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header = next(csv.reader(io.StringIO(raw.decode("cp1252"))))
    assert header[:4] == ["MRN", "Pt Last", "Pt First", "DOB (M/D/YYYY)"]
    files = {f["path"]: f for f in community.manifest["files"]}
    for path in ("partners/mentoring/mentee_roster.xlsx", "partners/mentoring/service_contacts.xlsx",
                 "partners/housing/household_members.xlsx"):  # fmt: skip
        rows = CalamineWorkbook.from_path(str(root / path)).get_sheet_by_index(0).to_python()
        assert len(rows) - 1 == files[path]["rows"]
    contacts = CalamineWorkbook.from_path(str(root / "partners/mentoring/service_contacts.xlsx"))
    first = contacts.get_sheet_by_index(0).to_python()[1]
    assert isinstance(first[1], dt.date) and first[2] in (30, 45, 60, 90)


def test_large_runs_write_edfi_events_as_parquet(tmp_path: Path) -> None:
    res = generate(GeneratorConfig(students=400, seed=2, out_dir=tmp_path, xml_max_students=100))
    assert res.manifest["edfi_event_format"] == "parquet"
    edfi = tmp_path / "district/edfi"
    for name in ("StudentSchoolAttendanceEvent", "Grade", "DisciplineAction", "StudentAssessment"):
        assert not (edfi / f"{name}.xml").exists()
        table = pq.read_table(edfi / f"{name}.parquet")
        assert table.num_rows == res.counts[f"district/edfi/{name}.parquet"]
    att = pq.read_table(edfi / "StudentSchoolAttendanceEvent.parquet")
    assert {"StudentUniqueId", "SchoolId", "EventDate", "AttendanceEventCategory", "EventDuration"} <= set(
        att.column_names
    )
    assert (edfi / "StudentSchoolAssociation.xml").exists()
