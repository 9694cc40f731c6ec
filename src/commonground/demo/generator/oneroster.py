"""The district SIS's OneRoster 1.1 bulk CSV export (headers and id styles of the Grand Bend sample)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np

from .academics import ClassEnrollments
from .catalog import Catalog
from .community import CITY, DISTRICT_ID, GRADES, SCHOOLS, STATE
from .config import stream
from .organizations import DISTRICT_NAME, DISTRICT_SLUG, SIS_NAME
from .school_calendar import SchoolCalendar
from .sinks import CsvSink, Register, uuid_strings
from .students import StudentChunk

USERS = ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"]  # fmt: skip
DEMOGRAPHICS = ["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus"]  # fmt: skip
ENROLLMENTS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
]
# OneRoster 1.2's sex values (1.1 files use the same words); "unspecified" for a sex not given, as Ed-Fi's
# "Not Selected", so both district exports say the same thing.
SEX = ("female", "male", "other", "unspecified")
DIR = "district/oneroster"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII form of a name for e-mail addresses (accents and spaces removed)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


class OneRosterWriter:
    """Writes manifest, orgs, academicSessions, courses, classes once and users, demographics, enrollments per chunk."""

    def __init__(self, reg: Register, cal: SchoolCalendar, cat: Catalog, seed: int) -> None:
        self.root, self.cal, self.cat, self.seed = reg.root, cal, cat, seed
        self.iso = cal.iso_strings()
        yr = str(cal.school_year_start + 1)
        prefix = f"{DISTRICT_ID}_{yr}_{cal.school_year}"
        self.sessions = (f"{prefix}_SchoolYear", f"{prefix}_Fall", f"{prefix}_Spring")

        def sink(name: str, dataset: str, header: list[str]) -> CsvSink:
            return CsvSink(reg.add(f"{DIR}/{name}", DISTRICT_SLUG, SIS_NAME, "oneroster-1.1", "utf-8", dataset),
                           self.root, header)  # fmt: skip

        m = sink("manifest.csv", "roster", ["propertyName", "value"])
        m.rows([("manifest.version", "1"), ("oneroster.version", "1.1"), ("source.systemName", SIS_NAME),
                ("source.systemCode", "Keystone")])  # fmt: skip
        m.rows((f"file.{f}", "bulk") for f in ("academicSessions", "orgs", "courses", "classes", "users",
                                               "enrollments", "demographics"))  # fmt: skip
        m.rows((f"file.{f}", "absent") for f in ("resources", "classResources", "courseResources", "categories",
                                                 "lineItems", "results"))  # fmt: skip
        m.close()
        o = sink(
            "orgs.csv",
            "schools",
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "name",
                "type",
                "identifier",
                "parentSourcedId",
                "metadata.address1",
                "metadata.address2",
                "metadata.city",
                "metadata.postCode",
                "metadata.state",
            ],
        )
        o.rows(
            [
                (
                    DISTRICT_ID,
                    "",
                    "",
                    DISTRICT_NAME,
                    "district",
                    "",
                    "",
                    "500 Harbor Blvd",
                    "",
                    CITY,
                    "61290",
                    STATE,
                )
            ]
        )
        o.rows((s.school_id, "", "", s.name, "school", s.school_id, DISTRICT_ID, s.street, "", CITY, "", STATE)
               for s in SCHOOLS)  # fmt: skip
        o.close()
        a = sink(
            "academicSessions.csv",
            "calendar",
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "title",
                "type",
                "startDate",
                "endDate",
                "parentSourcedId",
                "schoolYear",
            ],
        )
        last_fall = str(self.iso[cal.spring_start_index - 1])
        a.rows([
            (self.sessions[0], "", "", f"{cal.school_year} School Year", "schoolYear", self.iso[0], self.iso[-1], "", yr),
            (self.sessions[1], "", "", f"{cal.school_year} Fall Semester", "semester", self.iso[0], last_fall,
             self.sessions[0], yr),
            (self.sessions[2], "", "", f"{cal.school_year} Spring Semester", "semester",
             self.iso[cal.spring_start_index], self.iso[-1], self.sessions[0], yr),
        ])  # fmt: skip
        a.close()
        c = sink(
            "courses.csv",
            "roster",
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "schoolYearSourcedId",
                "title",
                "courseCode",
                "grades",
                "orgSourcedId",
                "subjects",
                "subjectCodes",
            ],
        )
        c.rows((code, "", "", self.sessions[0], title, code, GRADES[g], DISTRICT_ID, title.rsplit(" ", 1)[0], sced)
               for code, title, g, sced in zip(cat.course_codes, cat.course_titles, cat.course_grades,
                                                cat.course_sced, strict=True))  # fmt: skip
        c.close()
        k = sink(
            "classes.csv",
            "roster",
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "title",
                "grades",
                "courseSourcedId",
                "classCode",
                "classType",
                "location",
                "schoolSourcedId",
                "termSourcedIds",
                "subjects",
                "subjectCodes",
                "periods",
            ],
        )
        terms = f"{self.sessions[1]},{self.sessions[2]}"
        k.rows((sid, "", "", f"{cat.course_codes[ci]} {sid[-3:]}", GRADES[cat.course_grades[ci]], cat.course_codes[ci],
                cat.course_titles[ci], "homeroom" if cat.course_grades[ci] <= 5 and cat.course_codes[ci].startswith("ELA")
                else "scheduled", sid[len(SCHOOLS[0].school_id) + 6 : len(SCHOOLS[0].school_id) + 9],
                SCHOOLS[sc].school_id, terms, cat.course_titles[ci], cat.course_sced[ci], str(p))
               for sid, ci, sc, p in zip(cat.section_ids, cat.section_course, cat.section_school, cat.section_period,
                                         strict=True))  # fmt: skip
        k.close()
        self.users = sink("users.csv", "roster", USERS)
        self.demo = sink("demographics.csv", "roster", DEMOGRAPHICS)
        self.enr = sink("enrollments.csv", "enrollment", ENROLLMENTS)

    def write_chunk(self, st: StudentChunk, enr: ClassEnrollments) -> list[str]:
        """Write the chunk's students; return their sourcedIds."""
        ids = st.sourced_ids()
        current = np.where(st.school2 >= 0, st.school2, st.school1)
        left = np.where(st.school2 >= 0, st.exit2, st.exit1) < self.cal.n_days
        self.users.rows(
            (sid, "", "", "false" if gone else "true", SCHOOLS[sc].school_id, "student",
             f"{f} {m} {last}" if m else f"{f} {last}", f"{{Local:{sid[1:]}}}", f, last, m, "",
             f"{ascii_slug(f)}.{ascii_slug(last)}{sid[-3:]}@students.hfusd.org", "", ph, "", GRADES[g], "")
            for sid, f, m, last, sc, gone, ph, g in zip(ids, st.first, st.middle, st.last, current, left, st.phone,
                                                        st.grade, strict=True)
        )  # fmt: skip
        tf = ("false", "true")
        births = np.datetime_as_string(st.birth, unit="D")
        race = st.race
        multi = race.sum(axis=1) >= 2
        self.demo.rows(
            (sid, "", "", b, SEX[sx], tf[r[0]], tf[r[1]], tf[r[2]], tf[r[3]], tf[r[4]], tf[mu], tf[h], "", "", "", "")
            for sid, b, sx, r, mu, h in zip(ids, births, st.sex, race.tolist(), multi.tolist(), st.hispanic.tolist(), strict=True)
        )  # fmt: skip
        uuids = uuid_strings(stream(self.seed, "oneroster-enrollments", st.chunk), enr.student.size)
        sec_school = self.cat.section_school[enr.section]
        self.enr.rows(
            (u.decode(), "", "", self.cat.section_ids[s], SCHOOLS[sc].school_id, ids[r], "student", "", self.iso[b], self.iso[e - 1])
            for u, s, sc, r, b, e in zip(uuids, enr.section, sec_school, enr.student, enr.begin, enr.end, strict=True)
        )  # fmt: skip
        return ids

    def close(self) -> None:
        """Append teachers and their class enrollments, then close the files."""
        cat = self.cat
        self.users.rows(
            (tid, "", "", "true", SCHOOLS[sc].school_id, "teacher", f"{f} {m} {last}" if m else f"{f} {last}", "",
             f, last, m, "", f"{ascii_slug(f)}.{ascii_slug(last)}@hfusd.org", "", "", "", "", "")
            for tid, sc, f, m, last in zip(cat.teacher_ids, cat.teacher_school, cat.teacher_first, cat.teacher_middle,
                                           cat.teacher_last, strict=True)
        )  # fmt: skip
        uuids = uuid_strings(stream(self.seed, "oneroster-teacher-enrollments"), len(cat.section_ids))
        self.enr.rows(
            (u.decode(), "", "", sid, SCHOOLS[sc].school_id, cat.teacher_ids[t], "teacher", "true", self.iso[0], self.iso[-1])
            for u, sid, sc, t in zip(uuids, cat.section_ids, cat.section_school, cat.section_teacher, strict=True)
        )  # fmt: skip
        for s in (self.users, self.demo, self.enr):
            s.close()


def oneroster_dir(root: Path) -> Path:
    """Folder of the OneRoster files under an output root."""
    return root / DIR
