"""Ed-Fi XML: the real 5.2 excerpt, and every other record type on small synthetic interchanges."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from commonground.ingest.connectors.edfi_xml import parse_edfi_xml

from .conftest import EDFI_EXCERPT, find_issue

NS = "http://ed-fi.org/5.1.0"


def _write(tmp_path: Path, name: str, root: str, body: str, ns: str = NS) -> Path:
    path = tmp_path / name
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-8'?>\n<{root} xmlns=\"{ns}\">\n{body}</{root}>\n",
        encoding="utf-8",
    )
    return path


def test_excerpt_students_and_attendance_counts() -> None:
    students_xml = (EDFI_EXCERPT / "Student.xml").read_text(encoding="utf-8")
    attendance_xml = (EDFI_EXCERPT / "StudentSchoolAttendance.xml").read_text(encoding="utf-8")
    n_students = len(re.findall(r"<Student>", students_xml))
    n_events = len(re.findall(r"<StudentSchoolAttendanceEvent>", attendance_xml))
    categories = Counter(
        m.lower() for m in re.findall(r"AttendanceEventCategoryDescriptor#([^<]+)<", attendance_xml)
    )
    assert n_students == 25

    result = parse_edfi_xml(sorted(EDFI_EXCERPT.glob("*.xml")), source_org="grand-bend", reference_year=2022)

    assert result.ok, [i.message for i in result.errors]
    assert result.rows() == {"person": n_students, "attendance_event": n_events}
    people = result.tables["person"].to_pylist()
    assert all(p["first_name"] and p["last_name"] and p["birth_date"] for p in people)
    lisa = next(p for p in people if p["source_person_id"] == "604822")
    assert (
        lisa["first_name"],
        lisa["middle_name"],
        lisa["last_name"],
        lisa["preferred_first_name"],
        lisa["birth_date"],
        lisa["source_line"],
    ) == ("Lisa", "Sybil", "Woods", "Lisarae", dt.date(2008, 9, 13), 16)
    events = result.tables["attendance_event"]
    got = Counter(events.column("category").to_pylist())
    assert got == {
        "excused": categories["excused absence"],
        "unexcused": categories["unexcused absence"],
        "tardy": categories["tardy"],
        "partial": categories["partial"],
    }
    first = events.to_pylist()[0]
    assert (
        first["source_person_id"],
        first["school_id"],
        first["school_year"],
        first["date"],
        first["duration"],
        first["source_line"],
    ) == ("604822", "255901001", 2022, dt.date(2021, 8, 31), 1.0, 3)
    assert any("<Person>" in n for n in result.notes)


def test_other_records_map_to_canonical_tables(tmp_path: Path) -> None:
    edorg = _write(
        tmp_path,
        "EducationOrganization.xml",
        "InterchangeEducationOrganization",
        """
  <LocalEducationAgency><LocalEducationAgencyId>255901</LocalEducationAgencyId>
    <NameOfInstitution>Grand Bend ISD</NameOfInstitution></LocalEducationAgency>
  <School><SchoolId>255901001</SchoolId><NameOfInstitution>Grand Bend High School</NameOfInstitution>
    <Address><StreetNumberName>1 Main St</StreetNumberName><City>Grand Bend</City>
      <StateAbbreviationDescriptor>uri://ed-fi.org/StateAbbreviationDescriptor#TX</StateAbbreviationDescriptor>
      <PostalCode>78000</PostalCode><Latitude>29.7</Latitude><Longitude>-95.3</Longitude></Address>
    <LocalEducationAgencyReference><LocalEducationAgencyIdentity><LocalEducationAgencyId>255901
    </LocalEducationAgencyId></LocalEducationAgencyIdentity></LocalEducationAgencyReference></School>
  <CommunityOrganization><CommunityOrganizationId>9001</CommunityOrganizationId>
    <NameOfInstitution>Boys and Girls Club</NameOfInstitution></CommunityOrganization>
  <CommunityProvider><CommunityProviderId>9002</CommunityProviderId><NameOfInstitution>Club North
    </NameOfInstitution><CommunityOrganizationReference><CommunityOrganizationIdentity><CommunityOrganizationId>9001
    </CommunityOrganizationId></CommunityOrganizationIdentity></CommunityOrganizationReference></CommunityProvider>
""",
    )
    student_ref = (
        "<StudentReference><StudentIdentity><StudentUniqueId>s1</StudentUniqueId></StudentIdentity>"
        "</StudentReference>"
    )
    school_ref = (
        "<SchoolReference><SchoolIdentity><SchoolId>255901001</SchoolId></SchoolIdentity></SchoolReference>"
    )
    records = _write(
        tmp_path,
        "Records.xml",
        "InterchangeStudentEnrollment",
        f"""
  <Student><StudentUniqueId>s1</StudentUniqueId><Name><FirstName>Ana</FirstName><LastSurname>Diaz</LastSurname>
    </Name><BirthData><BirthDate>2012-03-04</BirthDate></BirthData></Student>
  <StudentEducationOrganizationAssociation>{student_ref}
    <SexDescriptor>uri://ed-fi.org/SexDescriptor#Female</SexDescriptor>
    <Address><StreetNumberName>5 Elm</StreetNumberName><City>Grand Bend</City><PostalCode>78001</PostalCode></Address>
  </StudentEducationOrganizationAssociation>
  <StudentSchoolAssociation>{student_ref}{school_ref}<EntryDate>2021-08-16</EntryDate>
    <EntryGradeLevelDescriptor>uri://ed-fi.org/GradeLevelDescriptor#Fourth grade</EntryGradeLevelDescriptor>
    <SchoolYearTypeReference><SchoolYear>2022</SchoolYear></SchoolYearTypeReference></StudentSchoolAssociation>
  <DisciplineAction><DisciplineActionIdentifier>DA1</DisciplineActionIdentifier>
    <DisciplineDate>2021-10-01</DisciplineDate>
    <Discipline><DisciplineDescriptor>uri://ed-fi.org/DisciplineDescriptor#In School Suspension
    </DisciplineDescriptor></Discipline><ActualDisciplineActionLength>2</ActualDisciplineActionLength>
    {student_ref}<ResponsibilitySchoolReference><SchoolIdentity><SchoolId>255901001</SchoolId></SchoolIdentity>
    </ResponsibilitySchoolReference></DisciplineAction>
  <StudentDisciplineIncidentBehaviorAssociation>{student_ref}</StudentDisciplineIncidentBehaviorAssociation>
  <StudentSchoolFoodServiceProgramAssociation>{student_ref}
    <EducationOrganizationReference><EducationOrganizationIdentity><EducationOrganizationId>255901
    </EducationOrganizationId></EducationOrganizationIdentity></EducationOrganizationReference>
    <ProgramReference><ProgramIdentity><ProgramName>School Lunch</ProgramName>
      <ProgramTypeDescriptor>uri://ed-fi.org/ProgramTypeDescriptor#Food Service</ProgramTypeDescriptor>
    </ProgramIdentity></ProgramReference><BeginDate>2021-08-16</BeginDate>
  </StudentSchoolFoodServiceProgramAssociation>
  <StudentProgramAssociation>{student_ref}<ProgramReference><ProgramIdentity><ProgramName>Mentoring</ProgramName>
    </ProgramIdentity></ProgramReference><BeginDate>2021-09-01</BeginDate><EndDate>2022-05-01</EndDate>
  </StudentProgramAssociation>
  <Grade><StudentSectionAssociationReference><StudentSectionAssociationIdentity>
    <StudentReference><StudentIdentity><StudentUniqueId>s1</StudentUniqueId></StudentIdentity></StudentReference>
    <SectionReference><SectionIdentity><SectionIdentifier>ALG-1-01</SectionIdentifier><CourseOfferingReference>
      <CourseOfferingIdentity><LocalCourseCode>ALG-1</LocalCourseCode>{school_ref}<SessionReference>
      <SessionIdentity><SessionName>2021-2022 Fall Semester</SessionName><SchoolYear>2022</SchoolYear>
      </SessionIdentity></SessionReference></CourseOfferingIdentity></CourseOfferingReference></SectionIdentity>
    </SectionReference></StudentSectionAssociationIdentity></StudentSectionAssociationReference>
    <GradeTypeDescriptor>uri://ed-fi.org/GradeTypeDescriptor#Semester</GradeTypeDescriptor>
    <LetterGradeEarned>B</LetterGradeEarned><NumericGradeEarned>85</NumericGradeEarned></Grade>
  <Assessment><AssessmentIdentifier>STAAR-M4</AssessmentIdentifier><AcademicSubject>
    <AcademicSubjectDescriptor>uri://ed-fi.org/AcademicSubjectDescriptor#Mathematics</AcademicSubjectDescriptor>
    </AcademicSubject></Assessment>
  <StudentAssessment><StudentAssessmentIdentifier>SA1</StudentAssessmentIdentifier>
    <AssessmentReference><AssessmentIdentity><AssessmentIdentifier>STAAR-M4</AssessmentIdentifier>
    </AssessmentIdentity></AssessmentReference>{student_ref}<AdministrationDate>2022-04-12T09:00:00</AdministrationDate>
    <WhenAssessedGradeLevelDescriptor>uri://ed-fi.org/GradeLevelDescriptor#Fourth grade
    </WhenAssessedGradeLevelDescriptor>
    <ScoreResult><AssessmentReportingMethodDescriptor>uri://ed-fi.org/AssessmentReportingMethodDescriptor#Scale score
      </AssessmentReportingMethodDescriptor><Result>1580</Result></ScoreResult>
    <PerformanceLevel><PerformanceLevelDescriptor>uri://ed-fi.org/PerformanceLevelDescriptor#Meets
      </PerformanceLevelDescriptor><PerformanceLevelMet>true</PerformanceLevelMet></PerformanceLevel>
  </StudentAssessment>
  <CalendarDate><CalendarReference><CalendarIdentity><CalendarCode>GBHS</CalendarCode>{school_ref}
    <SchoolYear>2022</SchoolYear></CalendarIdentity></CalendarReference><Date>2021-09-06</Date>
    <CalendarEvent><CalendarEventDescriptor>uri://ed-fi.org/CalendarEventDescriptor#Holiday</CalendarEventDescriptor>
    </CalendarEvent></CalendarDate>
  <CalendarDate><CalendarReference><CalendarIdentity><CalendarCode>GBHS</CalendarCode>{school_ref}
    <SchoolYear>2022</SchoolYear></CalendarIdentity></CalendarReference><Date>2021-09-07</Date>
    <CalendarEvent><CalendarEventDescriptor>uri://ed-fi.org/CalendarEventDescriptor#Instructional day
    </CalendarEventDescriptor></CalendarEvent></CalendarDate>
""",
    )
    result = parse_edfi_xml([edorg, records], source_org="gb", reference_year=2022)
    assert result.ok, [i.message for i in result.issues]
    assert result.rows() == {
        "organization": 4,
        "school": 1,
        "person": 1,
        "enrollment": 1,
        "discipline_action": 1,
        "program_participation": 2,
        "course_grade": 1,
        "assessment_result": 1,
        "calendar_date": 2,
    }
    t = {name: table.to_pylist() for name, table in result.tables.items()}
    assert t["school"][0]["district"] == "Grand Bend ISD"
    assert (t["school"][0]["state"], t["school"][0]["latitude"]) == ("TX", 29.7)
    assert [o["parent_org_id"] for o in t["organization"]] == [None, "255901", None, "9001"]
    assert (t["person"][0]["sex"], t["person"][0]["address"], t["person"][0]["postal_code"]) == (
        "female",
        "5 Elm",
        "78001",
    )
    assert (t["enrollment"][0]["grade_level"], t["enrollment"][0]["school_year"]) == ("04", 2022)
    assert (t["discipline_action"][0]["action_type"], t["discipline_action"][0]["days_removed"]) == (
        "In School Suspension",
        2.0,
    )
    assert [(p["program"], p["program_type"], p["org_id"]) for p in t["program_participation"]] == [
        ("School Lunch", "Food Service", "255901"),
        ("Mentoring", None, None),
    ]
    grade = t["course_grade"][0]
    assert (
        grade["course_code"],
        grade["section_id"],
        grade["term"],
        grade["letter_grade"],
        grade["numeric_grade"],
        grade["school_id"],
    ) == ("ALG-1", "ALG-1-01", "2021-2022 Fall Semester", "B", 85.0, "255901001")
    score = t["assessment_result"][0]
    assert (
        score["subject"],
        score["scale_score"],
        score["performance_level"],
        score["date"],
        score["grade_level"],
    ) == ("Mathematics", 1580.0, "Meets", dt.date(2022, 4, 12), "04")
    assert [(c["date"].day, c["instructional"]) for c in t["calendar_date"]] == [(6, False), (7, True)]
    assert any("StudentDisciplineIncidentBehaviorAssociation" in n for n in result.notes)


def test_namespace_versions_are_all_read(tmp_path: Path) -> None:
    body = "<Student><StudentUniqueId>1</StudentUniqueId></Student>\n"
    for ns in ("http://ed-fi.org/0500", "http://ed-fi.org/0510", "http://ed-fi.org/5.2.0"):
        result = parse_edfi_xml(_write(tmp_path, "s.xml", "InterchangeStudent", body, ns), source_org="x")
        assert result.rows() == {"person": 1} and not result.issues, ns
    other = parse_edfi_xml(_write(tmp_path, "s.xml", "InterchangeStudent", body, "urn:other"), source_org="x")
    assert find_issue(other, "unknown-namespace").severity == "warning"


def test_unknown_attendance_descriptor_is_kept_as_other(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.xml",
        "InterchangeStudentAttendance",
        """<StudentSchoolAttendanceEvent>
<AttendanceEvent><EventDate>2021-09-01</EventDate>
<AttendanceEventCategory>uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field trip</AttendanceEventCategory>
</AttendanceEvent>
<StudentReference><StudentIdentity><StudentUniqueId>1</StudentUniqueId></StudentIdentity></StudentReference>
</StudentSchoolAttendanceEvent>
""",
    )
    result = parse_edfi_xml(path, source_org="x")
    issue = find_issue(result, "unknown-descriptor")
    assert (issue.severity, issue.file, issue.line) == ("warning", "a.xml", 3)
    assert result.tables["attendance_event"].column("category").to_pylist() == ["other"]
