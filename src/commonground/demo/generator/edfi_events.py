"""Ed-Fi Grade, DisciplineAction (with incident and behavior association) and StudentAssessment records."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .academics import ACTIONS, BEHAVIORS, LOCATIONS, letter_grade
from .community import GRADE_NAMES
from .edfi_assessment import ACADEMIC_SUBJECTS, ASSESSMENT_NS, PERFORMANCE_LEVELS, assessment_identifier
from .edfi_static import U, school_ref
from .students import StudentChunk

if TYPE_CHECKING:
    from .edfi import EdFiWriter

STUDENT_REF = ("\t\t<StudentReference>\n\t\t\t<StudentIdentity>\n\t\t\t\t<StudentUniqueId>{0}</StudentUniqueId>\n"
               "\t\t\t</StudentIdentity>\n\t\t</StudentReference>\n")  # fmt: skip


def _school_ids() -> np.ndarray:
    from .edfi import SCHOOL_IDS

    return SCHOOL_IDS


def write_grades(w: EdFiWriter, sid: np.ndarray, g: dict[str, np.ndarray]) -> None:
    """Semester grades, referencing the student's section association like Ed-Fi's Grade entity."""
    cat = w.cat
    section = g["section"]
    period = np.array(["First Semester", "Second Semester"], dtype=object)[g["term"]]
    cols = {
        "StudentUniqueId": sid[g["student"]],
        "SchoolId": _school_ids()[cat.section_school[section]],
        "SectionIdentifier": np.array(cat.section_ids, dtype=object)[section],
        "LocalCourseCode": np.array(cat.course_codes, dtype=object)[cat.section_course[section]],
        "SessionName": w.session[g["term"]],
        "GradingPeriod": period,
        "PeriodSequence": (g["term"] + 1).astype(np.int64),
        "LetterGradeEarned": letter_grade(g["numeric"]),
        "NumericGradeEarned": g["numeric"].astype(np.int64),
        "BeginDate": w.iso[g["begin"]],
    }
    if w.grades.parquet:
        cols["GradeType"] = np.full(section.size, "Semester", dtype=object)
        cols["SchoolYear"] = np.full(section.size, w.sy, dtype=object)
    w.grades.emit(
        cols,
        "\t<Grade>\n\t\t<LetterGradeEarned>{7}</LetterGradeEarned>\n\t\t<NumericGradeEarned>{8}</NumericGradeEarned>\n"
        "\t\t<GradeType>" + U + "GradeTypeDescriptor#Semester</GradeType>\n\t\t<GradingPeriodReference>\n"
        "\t\t\t<GradingPeriodIdentity>\n\t\t\t\t<GradingPeriod>" + U + "GradingPeriodDescriptor#{5}</GradingPeriod>\n"
        "\t\t\t\t<PeriodSequence>{6}</PeriodSequence>\n" + school_ref("{1}", 4) + "\t\t\t\t<SchoolYear>" + w.sy
        + "</SchoolYear>\n\t\t\t</GradingPeriodIdentity>\n\t\t</GradingPeriodReference>\n"
        "\t\t<StudentSectionAssociationReference>\n\t\t\t<StudentSectionAssociationIdentity>\n"
        "\t\t\t\t<BeginDate>{9}</BeginDate>\n" + STUDENT_REF.replace("\t\t<", "\t\t\t\t<").replace("\t\t\t<", "\t\t\t\t\t<")
        + "\t\t\t\t<SectionReference>\n\t\t\t\t\t<SectionIdentity>\n\t\t\t\t\t\t<LocalCourseCode>{3}</LocalCourseCode>\n"
        + school_ref("{1}", 6) + "\t\t\t\t\t\t<SchoolYear>" + w.sy + "</SchoolYear>\n"
        "\t\t\t\t\t\t<SectionIdentifier>{2}</SectionIdentifier>\n\t\t\t\t\t\t<SessionName>{4}</SessionName>\n"
        "\t\t\t\t\t</SectionIdentity>\n\t\t\t\t</SectionReference>\n\t\t\t</StudentSectionAssociationIdentity>\n"
        "\t\t</StudentSectionAssociationReference>\n\t</Grade>\n",
    )  # fmt: skip


def write_discipline(w: EdFiWriter, sid: np.ndarray, d: dict[str, np.ndarray]) -> None:
    """A DisciplineIncident, the student's behavior association and the DisciplineAction for each event."""
    n = d["student"].size
    chunk_tag = str(int(sid[0])) if sid.size else "0"
    incident = np.array([f"{chunk_tag}-{k + 1:05d}" for k in d["seq"]], dtype=object)
    cols = {
        "StudentUniqueId": sid[d["student"]],
        "SchoolId": _school_ids()[d["school"]],
        "IncidentIdentifier": incident,
        "IncidentDate": w.iso[d["day"]],
        "IncidentLocation": np.array(LOCATIONS, dtype=object)[d["location"]],
        "Behavior": np.array(BEHAVIORS, dtype=object)[d["behavior"]],
        "DisciplineActionIdentifier": "DA" + incident,
        "Discipline": np.array(ACTIONS, dtype=object)[d["action"]],
        "ActualDisciplineActionLength": d["length"].astype(np.int64),
    }
    inc_ref = ("\t\t\t<DisciplineIncidentReference>\n\t\t\t\t<DisciplineIncidentIdentity>\n"
               "\t\t\t\t\t<IncidentIdentifier>{2}</IncidentIdentifier>\n" + school_ref("{1}", 5)
               + "\t\t\t\t</DisciplineIncidentIdentity>\n\t\t\t</DisciplineIncidentReference>\n")  # fmt: skip
    beh = U + "BehaviorDescriptor#{5}"
    w.disc.emit(
        cols,
        "\t<DisciplineIncident>\n\t\t<IncidentIdentifier>{2}</IncidentIdentifier>\n\t\t<IncidentDate>{3}</IncidentDate>\n"
        "\t\t<IncidentLocation>" + U + "IncidentLocationDescriptor#{4}</IncidentLocation>\n"
        + school_ref("{1}", 2) + "\t</DisciplineIncident>\n"
        "\t<StudentDisciplineIncidentBehaviorAssociation>\n\t\t<Behavior>" + beh + "</Behavior>\n"
        + STUDENT_REF + inc_ref.replace("\t\t\t", "\t\t", 1).replace("\n\t\t\t</Disc", "\n\t\t</Disc")
        + "\t</StudentDisciplineIncidentBehaviorAssociation>\n"
        "\t<DisciplineAction>\n\t\t<DisciplineActionIdentifier>{6}</DisciplineActionIdentifier>\n"
        "\t\t<Discipline>\n\t\t\t<Discipline>" + U + "DisciplineDescriptor#{7}</Discipline>\n\t\t</Discipline>\n"
        "\t\t<DisciplineDate>{3}</DisciplineDate>\n\t\t<ActualDisciplineActionLength>{8}</ActualDisciplineActionLength>\n"
        + STUDENT_REF + school_ref("{1}", 2, "ResponsibilitySchoolReference")
        + "\t\t<StudentDisciplineIncidentBehaviorAssociationReference>\n"
        "\t\t\t<StudentDisciplineIncidentBehaviorAssociationIdentity>\n\t\t\t\t<Behavior>" + beh + "</Behavior>\n"
        + inc_ref.replace("\t\t\t<", "\t\t\t\t<").replace("\n\t\t\t\t\t\t", "\n\t\t\t\t\t\t\t")
        + STUDENT_REF.replace("\t\t<", "\t\t\t\t<").replace("\t\t\t<", "\t\t\t\t\t<")
        + "\t\t\t</StudentDisciplineIncidentBehaviorAssociationIdentity>\n"
        "\t\t</StudentDisciplineIncidentBehaviorAssociationReference>\n\t</DisciplineAction>\n",
        count=n,
    )  # fmt: skip


def write_assessments(w: EdFiWriter, st: StudentChunk, sid: np.ndarray, a: dict[str, np.ndarray]) -> None:
    """State test results: scale score and performance level per subject, referencing the Assessment.

    As in Ed-Fi Data Standard 5.x the XML result carries no subject: that is on the referenced Assessment
    (edfi_assessment.py). The Parquet form, a flat extract, keeps the subject as a column.
    """
    s = a["student"]
    grade = st.grade[s]
    subject = np.array(ACADEMIC_SUBJECTS, dtype=object)[a["subject"]]
    gname = np.array(GRADE_NAMES, dtype=object)[grade]
    year_end = w.cal.school_year_start + 1
    ident = np.array([assessment_identifier(int(k), int(g), year_end)
                      for k, g in zip(a["subject"], grade, strict=True)], dtype=object)  # fmt: skip
    cols = {
        "StudentUniqueId": sid[s],
        "SchoolId": _school_ids()[a["school"]],
        "StudentAssessmentIdentifier": ident + "-" + sid[s],
        "AssessmentIdentifier": ident,
        "AcademicSubject": subject,
        "AdministrationDate": w.iso[a["day"]],
        "WhenAssessedGradeLevel": gname,
        "ScaleScore": a["score"].astype(np.int64),
        "PerformanceLevel": np.array(PERFORMANCE_LEVELS, dtype=object)[a["level"] - 1],
    }
    if w.assess.parquet:
        cols["Namespace"] = np.full(s.size, ASSESSMENT_NS, dtype=object)
        cols["SchoolYear"] = np.full(s.size, w.sy, dtype=object)
    w.assess.emit(
        cols,
        "\t<StudentAssessment>\n\t\t<StudentAssessmentIdentifier>{2}</StudentAssessmentIdentifier>\n"
        "\t\t<AdministrationDate>{5}</AdministrationDate>\n\t\t<WhenAssessedGradeLevel>" + U
        + "GradeLevelDescriptor#{6}</WhenAssessedGradeLevel>\n\t\t<ScoreResult>\n\t\t\t<AssessmentReportingMethod>" + U
        + "AssessmentReportingMethodDescriptor#Scale score</AssessmentReportingMethod>\n\t\t\t<Result>{7}</Result>\n"
        "\t\t\t<ResultDatatypeType>" + U + "ResultDatatypeTypeDescriptor#Integer</ResultDatatypeType>\n"
        "\t\t</ScoreResult>\n\t\t<PerformanceLevel>\n\t\t\t<AssessmentReportingMethod>" + U
        + "AssessmentReportingMethodDescriptor#Scale score</AssessmentReportingMethod>\n\t\t\t<PerformanceLevel>" + U
        + "PerformanceLevelDescriptor#{8}</PerformanceLevel>\n\t\t</PerformanceLevel>\n"
        "\t\t<SchoolYear>" + w.sy + "</SchoolYear>\n" + STUDENT_REF + "\t\t<AssessmentReference>\n"
        "\t\t\t<AssessmentIdentity>\n\t\t\t\t<AssessmentIdentifier>{3}</AssessmentIdentifier>\n"
        "\t\t\t\t<Namespace>" + ASSESSMENT_NS + "</Namespace>\n\t\t\t</AssessmentIdentity>\n"
        "\t\t</AssessmentReference>\n" + school_ref("{1}", 2, "ReportedSchoolReference") + "\t</StudentAssessment>\n",
    )  # fmt: skip
