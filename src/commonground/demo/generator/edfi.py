"""The district SIS's Ed-Fi Data Standard 5.2 interchanges for students, enrollment and events (per chunk).

Element nesting follows the Ed-Fi sample files (StudentReference/StudentIdentity/StudentUniqueId and so on).
Above ``xml_max_students`` the event interchanges are written as Parquet with the same fields.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from . import edfi_events
from .attendance import CATEGORY_NAMES, REASONS, AttendanceChunk
from .catalog import Catalog
from .community import CITY, GRADE_NAMES, NEIGHBORHOODS, SCHOOLS, STATE
from .edfi_assessment import write_assessment_metadata
from .edfi_static import DIR, U, school_ref
from .organizations import DISTRICT_SLUG, SIS_NAME
from .school_calendar import SchoolCalendar
from .sinks import ParquetSink, Register, XmlSink
from .students import StudentChunk

SCHOOL_IDS = np.array([s.school_id for s in SCHOOLS] + [""], dtype=object)
SEX = np.array(
    [f"{U}SexDescriptor#{s}" for s in ("Female", "Male", "Non-binary", "Not Selected")], dtype=object
)
# Data Standard 5.2's RaceDescriptor code values (Descriptors/RaceDescriptor.xml), in the order of StudentChunk.race.
RACES = ("American Indian or Alaska Native", "Asian", "Black or African American", "Native Hawaiian or Pacific Islander",
         "White")  # fmt: skip
STUDENT_REF = ("\t\t<StudentReference>\n\t\t\t<StudentIdentity>\n\t\t\t\t<StudentUniqueId>{0}</StudentUniqueId>\n"
               "\t\t\t</StudentIdentity>\n\t\t</StudentReference>\n")  # fmt: skip


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


class _Out:
    """One Ed-Fi dataset, written either as XML text or as Parquet with the same fields."""

    def __init__(self, reg: Register, name: str, interchange: str, dataset: str, parquet: bool) -> None:
        self.parquet = parquet
        ext = "parquet" if parquet else "xml"
        fmt = "parquet" if parquet else "edfi-xml-5"
        self.entry = reg.add(
            f"{DIR}/{name}.{ext}", DISTRICT_SLUG, SIS_NAME, fmt, None if parquet else "utf-8", dataset
        )
        self.root = reg.root
        self.xml = (
            None
            if parquet
            else XmlSink(self.entry, reg.root, interchange, f"Interchange-{interchange[11:]}.xsd")
        )
        self.pq: ParquetSink | None = None

    def emit(self, cols: dict[str, Any], template: str, count: int | None = None) -> None:
        """Write rows given as columns; ``template`` formats one row of XML from the columns in order."""
        if self.parquet:
            if self.pq is None:
                fields = [
                    pa.field(k, pa.int64() if np.asarray(v).dtype.kind in "iu" else pa.string())
                    for k, v in cols.items()
                ]
                self.pq = ParquetSink(self.entry, self.root, pa.schema(fields))
            self.pq.write(
                {k: np.asarray(v).tolist() if np.asarray(v).dtype == object else v for k, v in cols.items()}
            )
        elif self.xml is not None:
            rows = list(zip(*cols.values(), strict=True))
            self.xml.write((template.format(*r) for r in rows), len(rows) if count is None else count)

    def close(self) -> None:
        """Close whichever sink was used."""
        if self.xml is not None:
            self.xml.close()
        elif self.pq is not None:
            self.pq.close()


class EdFiWriter:
    """Writes Student, StudentEducationOrganizationAssociation, StudentSchoolAssociation and event interchanges."""

    def __init__(self, reg: Register, cal: SchoolCalendar, cat: Catalog, parquet: bool) -> None:
        self.cal, self.cat = cal, cat
        self.iso = cal.iso_strings().astype(object)
        self.sy = cal.school_year
        self.session = np.array([f"{self.sy} Fall Semester", f"{self.sy} Spring Semester"], dtype=object)
        self.term_of_day = (np.arange(cal.n_days) >= cal.spring_start_index).astype(np.int64)
        self.students = _Out(reg, "Student", "InterchangeStudent", "roster", parquet)
        self.seoa = _Out(
            reg, "StudentEducationOrganizationAssociation", "InterchangeStudent", "roster", parquet
        )
        self.ssa = _Out(reg, "StudentSchoolAssociation", "InterchangeStudentEnrollment", "enrollment", False)
        self.att = _Out(
            reg, "StudentSchoolAttendanceEvent", "InterchangeStudentAttendance", "attendance", parquet
        )
        self.grades = _Out(reg, "Grade", "InterchangeStudentGrade", "grades", parquet)
        self.disc = _Out(reg, "DisciplineAction", "InterchangeStudentDiscipline", "discipline", parquet)
        # The Assessment metadata the results reference: small and written whole, always as XML.
        write_assessment_metadata(reg, cal.school_year_start + 1)
        self.assess = _Out(reg, "StudentAssessment", "InterchangeStudentAssessment", "assessment", parquet)

    def write_chunk(self, st: StudentChunk, ids: list[str], att: AttendanceChunk, grades: dict[str, np.ndarray],
                    disc: dict[str, np.ndarray], assess: dict[str, np.ndarray]) -> None:  # fmt: skip
        """Write every Ed-Fi record of one chunk of students."""
        sid = np.array(ids, dtype=object)
        self._students(st, sid)
        self._enrollment(st, sid)
        self._attendance(sid, att)
        edfi_events.write_grades(self, sid, grades)
        edfi_events.write_discipline(self, sid, disc)
        edfi_events.write_assessments(self, st, sid, assess)

    def _students(self, st: StudentChunk, sid: np.ndarray) -> None:
        mid = np.array(
            [f"\t\t\t<MiddleName>{_x(m)}</MiddleName>\n" if m else "" for m in st.middle], dtype=object
        )
        self.students.emit(
            {"StudentUniqueId": sid, "FirstName": np.array([_x(f) for f in st.first], dtype=object), "MiddleName": mid,
             "LastSurname": np.array([_x(x) for x in st.last], dtype=object),
             "BirthDate": np.datetime_as_string(st.birth, unit="D").astype(object)},
            "\t<Student>\n\t\t<StudentUniqueId>{0}</StudentUniqueId>\n\t\t<Name>\n\t\t\t<FirstName>{1}</FirstName>\n{2}"
            "\t\t\t<LastSurname>{3}</LastSurname>\n\t\t</Name>\n\t\t<BirthData>\n\t\t\t<BirthDate>{4}</BirthDate>\n"
            "\t\t</BirthData>\n\t</Student>\n",
        )  # fmt: skip
        zips = np.array([nb.zip_code for nb in NEIGHBORHOODS], dtype=object)[st.neighborhood]
        street = np.array([f"{h} {s}" for h, s in zip(st.house, st.street, strict=True)], dtype=object)
        # One <Race> element per race, holding the descriptor URI (Ed-Fi-Core.xsd: RaceDescriptorReferenceType,
        # maxOccurs unbounded), as the Data Standard's own sample StaffAssociation.xml writes it.
        race = ["".join(f"\t\t<Race>{U}RaceDescriptor#{RACES[i]}</Race>\n" for i in np.nonzero(r)[0])
                for r in st.race]  # fmt: skip
        if self.seoa.parquet:
            race = [";".join(RACES[i] for i in np.nonzero(r)[0]) for r in st.race]
        self.seoa.emit(
            {"StudentUniqueId": sid, "Address": street, "City": np.full(st.n, CITY, dtype=object), "PostalCode": zips,
             "Sex": SEX[st.sex], "HispanicLatinoEthnicity": np.where(st.hispanic, "true", "false").astype(object),
             "Race": np.array(race, dtype=object), "Telephone": st.phone},
            "\t<StudentEducationOrganizationAssociation>\n\t\t<Address>\n\t\t\t<AddressType>" + U
            + "AddressTypeDescriptor#Home</AddressType>\n\t\t\t<StreetNumberName>{1}</StreetNumberName>\n"
            "\t\t\t<City>{2}</City>\n\t\t\t<StateAbbreviation>" + U + f"StateAbbreviationDescriptor#{STATE}"
            "</StateAbbreviation>\n\t\t\t<PostalCode>{3}</PostalCode>\n\t\t</Address>\n\t\t<Sex>{4}</Sex>\n"
            "\t\t<HispanicLatinoEthnicity>{5}</HispanicLatinoEthnicity>\n{6}\t\t<Telephone>\n"
            "\t\t\t<TelephoneNumber>{7}</TelephoneNumber>\n\t\t\t<TelephoneNumberType>" + U
            + "TelephoneNumberTypeDescriptor#Home</TelephoneNumberType>\n\t\t</Telephone>\n"
            + STUDENT_REF + "\t\t<EducationOrganizationReference>\n\t\t\t<EducationOrganizationIdentity>\n"
            "\t\t\t\t<EducationOrganizationId>417300</EducationOrganizationId>\n"
            "\t\t\t</EducationOrganizationIdentity>\n\t\t</EducationOrganizationReference>\n"
            "\t</StudentEducationOrganizationAssociation>\n",
        )  # fmt: skip

    def _enrollment(self, st: StudentChunk, sid: np.ndarray) -> None:
        n_days = self.cal.n_days
        rows, school, entry, exit_, kind = [], [], [], [], []
        for i, (sc, en, ex) in enumerate(
            ((st.school1, st.entry1, st.exit1), (st.school2, st.entry2, st.exit2))
        ):
            r = np.nonzero((sc >= 0) & (ex > en))[0]
            rows.append(r)
            school.append(sc[r])
            entry.append(en[r])
            exit_.append(ex[r])
            kind.append(np.where(ex[r] < n_days, 1 + (i == 0) * (st.school2[r] >= 0), 0))
        r, sc, en, ex, k = (np.concatenate(v) for v in (rows, school, entry, exit_, kind))
        order = np.lexsort((en, r))
        r, sc, en, ex, k = r[order], sc[order], en[order], ex[order], k[order]
        exit_xml = np.array(["", "<ExitWithdrawType>" + U + "ExitWithdrawTypeDescriptor#Transferred out of district",
                             "<ExitWithdrawType>" + U + "ExitWithdrawTypeDescriptor#Transferred within district"],
                            dtype=object)  # fmt: skip
        exit_el = np.where(k > 0, "\t\t<ExitWithdrawDate>" + self.iso[ex - 1] + "</ExitWithdrawDate>\n\t\t"
                           + exit_xml[k] + "</ExitWithdrawType>\n", "")  # fmt: skip
        self.ssa.emit(
            {"StudentUniqueId": sid[r], "SchoolId": SCHOOL_IDS[sc], "EntryDate": self.iso[en],
             "EntryGradeLevel": np.array([U + "GradeLevelDescriptor#" + g for g in GRADE_NAMES], dtype=object)[st.grade[r]],
             "Exit": exit_el},
            "\t<StudentSchoolAssociation>\n" + STUDENT_REF + school_ref("{1}", 2) + "\t\t<EntryDate>{2}</EntryDate>\n"
            "\t\t<EntryGradeLevel>{3}</EntryGradeLevel>\n{4}\t\t<SchoolYear>" + self.sy + "</SchoolYear>\n"
            "\t</StudentSchoolAssociation>\n",
        )  # fmt: skip

    def _attendance(self, sid: np.ndarray, att: AttendanceChunk) -> None:
        cat_uri = np.array(
            [f"{U}AttendanceEventCategoryDescriptor#{c}" for c in CATEGORY_NAMES], dtype=object
        )
        tardy = att.category == 2
        arrival = np.array([f"{m // 60:02d}:{m % 60:02d}:00" for m in range(24 * 60)], dtype=object)[
            att.arrival_minute
        ]
        cols = {"StudentUniqueId": sid[att.student], "SchoolId": SCHOOL_IDS[att.school], "EventDate": self.iso[att.day],
                "AttendanceEventCategory": cat_uri[att.category],
                "AttendanceEventReason": np.array(REASONS, dtype=object)[att.category],
                "SessionName": self.session[self.term_of_day[att.day]]}  # fmt: skip
        if self.att.parquet:
            cols["EventDuration"] = np.where(tardy, "", "1").astype(object)
            cols["ArrivalTime"] = np.where(tardy, arrival, "").astype(object)
            cols["SchoolYear"] = np.full(att.rows, self.sy, dtype=object)
        else:
            cols["Duration"] = np.where(tardy, "", "\t\t\t<EventDuration>1</EventDuration>\n")
            cols["Arrival"] = np.where(tardy, "\t\t<ArrivalTime>" + arrival + "</ArrivalTime>\n", "")
        ref = ("\t\t<SessionReference>\n\t\t\t<SessionIdentity>\n\t\t\t\t<SessionName>{5}</SessionName>\n"
               "\t\t\t\t<SchoolYear>" + self.sy + "</SchoolYear>\n" + school_ref("{1}", 4)
               + "\t\t\t</SessionIdentity>\n\t\t</SessionReference>\n")  # fmt: skip
        self.att.emit(cols, "\t<StudentSchoolAttendanceEvent>\n\t\t<AttendanceEvent>\n\t\t\t<EventDate>{2}</EventDate>\n"
                      "\t\t\t<AttendanceEventCategory>{3}</AttendanceEventCategory>\n\t\t\t<AttendanceEventReason>{4}"
                      "</AttendanceEventReason>\n{6}\t\t</AttendanceEvent>\n" + STUDENT_REF + school_ref("{1}", 2)
                      + ref + "{7}\t</StudentSchoolAttendanceEvent>\n")  # fmt: skip

    def close(self) -> None:
        """Close every interchange."""
        for o in (self.students, self.seoa, self.ssa, self.att, self.grades, self.disc, self.assess):
            o.close()
