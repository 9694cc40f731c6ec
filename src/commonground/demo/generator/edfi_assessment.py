"""The state test's Ed-Fi Assessment metadata (InterchangeAssessmentMetadata): one Assessment per subject and grade.

In Ed-Fi Data Standard 5.x the subject and the grade a test is built for live on the ``Assessment`` (its
``AcademicSubject`` and ``AssessedGradeLevel`` collections), with the performance levels and their cut scores;
each ``StudentAssessment`` only references it by ``AssessmentIdentifier`` and ``Namespace``. The district's
export therefore carries this small file beside the results, as a real Ed-Fi 5.x export does.
"""

from __future__ import annotations

from .academics import SCALE_MAX, SCALE_MIN, TEST_GRADES, cut_scores
from .community import GRADE_NAMES
from .edfi_static import DIR, U
from .organizations import DISTRICT_SLUG, SIS_NAME
from .sinks import Register, XmlSink

ASSESSMENT_NS = "uri://state-assessment.example.org/Assessment"
#: Short codes used in the assessment identifiers, in the order of academics.SUBJECTS.
SUBJECT_CODES = ("ELA", "MATH")
#: AcademicSubjectDescriptor code values (Data Standard 5.x), in the order of academics.SUBJECTS.
ACADEMIC_SUBJECTS = ("English Language Arts", "Mathematics")
#: PerformanceLevelDescriptor code values for levels 1-4 (Data Standard 5.x's default descriptor set).
PERFORMANCE_LEVELS = ("Below Basic", "Basic", "Proficient", "Advanced")


def assessment_identifier(subject: int, grade: int, year_end: int) -> str:
    """The AssessmentIdentifier of the spring test of ``subject`` (index into SUBJECTS) for ``grade``."""
    return f"SAR-{SUBJECT_CODES[subject]}-{grade:02d}-{year_end}"


def _performance_levels(grade: int) -> str:
    """One <PerformanceLevel> per level with its scale-score range (Ed-Fi AssessmentPerformanceLevel)."""
    lows = (SCALE_MIN, *cut_scores(grade))
    highs = (*(c - 1 for c in cut_scores(grade)), SCALE_MAX)
    return "".join(
        "\t\t<PerformanceLevel>\n"
        f"\t\t\t<AssessmentReportingMethod>{U}AssessmentReportingMethodDescriptor#Scale score"
        "</AssessmentReportingMethod>\n"
        f"\t\t\t<PerformanceLevel>{U}PerformanceLevelDescriptor#{name}</PerformanceLevel>\n"
        f"\t\t\t<MinimumScore>{low}</MinimumScore>\n\t\t\t<MaximumScore>{high}</MaximumScore>\n"
        f"\t\t\t<ResultDatatypeType>{U}ResultDatatypeTypeDescriptor#Integer</ResultDatatypeType>\n"
        "\t\t</PerformanceLevel>\n"
        for name, low, high in zip(PERFORMANCE_LEVELS, lows, highs, strict=True)
    )


def _assessment(subject: int, grade: int, year_end: int) -> str:
    title = f"State Assessment of Readiness, {ACADEMIC_SUBJECTS[subject]}, {GRADE_NAMES[grade]}"
    return (
        "\t<Assessment>\n"
        f"\t\t<AssessmentIdentifier>{assessment_identifier(subject, grade, year_end)}</AssessmentIdentifier>\n"
        f"\t\t<AssessmentTitle>{title}</AssessmentTitle>\n"
        f"\t\t<AssessmentCategory>{U}AssessmentCategoryDescriptor#State summative assessment 3-8 general"
        "</AssessmentCategory>\n"
        f"\t\t<AcademicSubject>{U}AcademicSubjectDescriptor#{ACADEMIC_SUBJECTS[subject]}</AcademicSubject>\n"
        f"\t\t<AssessedGradeLevel>{U}GradeLevelDescriptor#{GRADE_NAMES[grade]}</AssessedGradeLevel>\n"
        f"\t\t<AssessmentVersion>{year_end}</AssessmentVersion>\n"
        f"\t\t<Namespace>{ASSESSMENT_NS}</Namespace>\n"
        "\t\t<Score>\n"
        f"\t\t\t<AssessmentReportingMethod>{U}AssessmentReportingMethodDescriptor#Scale score"
        "</AssessmentReportingMethod>\n"
        f"\t\t\t<MinimumScore>{SCALE_MIN}</MinimumScore>\n\t\t\t<MaximumScore>{SCALE_MAX}</MaximumScore>\n"
        f"\t\t\t<ResultDatatypeType>{U}ResultDatatypeTypeDescriptor#Integer</ResultDatatypeType>\n"
        "\t\t</Score>\n" + _performance_levels(grade) + "\t</Assessment>\n"
    )


def write_assessment_metadata(reg: Register, year_end: int) -> None:
    """Write ``Assessment.xml``: the spring state test of each subject for each tested grade."""
    entry = reg.add(f"{DIR}/Assessment.xml", DISTRICT_SLUG, SIS_NAME, "edfi-xml-5", "utf-8", "assessment")
    sink = XmlSink(entry, reg.root, "InterchangeAssessmentMetadata", "Interchange-AssessmentMetadata.xsd")
    rows = [_assessment(s, g, year_end) for s in range(len(SUBJECT_CODES)) for g in TEST_GRADES]
    sink.write(rows, len(rows))
    sink.close()
