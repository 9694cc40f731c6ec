"""Ed-Fi XML files that describe the district itself: education organizations and the school calendar."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .community import (
    CITY,
    DISTRICT_ID,
    GRADE_NAMES,
    LEVEL_GRADES,
    NEIGHBORHOOD_INDEX,
    NEIGHBORHOODS,
    SCHOOLS,
    STATE,
)
from .organizations import DISTRICT_NAME, DISTRICT_SLUG, SIS_NAME
from .school_calendar import SchoolCalendar
from .sinks import Register, XmlSink

DIR = "district/edfi"
U = "uri://ed-fi.org/"
_CATEGORY = {"elementary": "Elementary School", "middle": "Middle School", "high": "High School"}


def school_ref(school_id: str, tabs: int, tag: str = "SchoolReference") -> str:
    """A nested <SchoolReference><SchoolIdentity><SchoolId> block indented by ``tabs`` tabs."""
    t = "\t" * tabs
    return (f"{t}<{tag}>\n{t}\t<SchoolIdentity>\n{t}\t\t<SchoolId>{school_id}</SchoolId>\n"
            f"{t}\t</SchoolIdentity>\n{t}</{tag}>\n")  # fmt: skip


def _address(street: str, zip_code: str, lat: float, lon: float) -> str:
    return (f"\t\t<Address>\n\t\t\t<AddressType>{U}AddressTypeDescriptor#Physical</AddressType>\n"
            f"\t\t\t<StreetNumberName>{escape(street)}</StreetNumberName>\n\t\t\t<City>{CITY}</City>\n"
            f"\t\t\t<StateAbbreviation>{U}StateAbbreviationDescriptor#{STATE}</StateAbbreviation>\n"
            f"\t\t\t<PostalCode>{zip_code}</PostalCode>\n\t\t\t<Latitude>{lat}</Latitude>\n"
            f"\t\t\t<Longitude>{lon}</Longitude>\n\t\t</Address>\n")  # fmt: skip


def write_education_organizations(reg: Register) -> None:
    """EducationOrganization.xml: the local education agency and its schools."""
    sink = XmlSink(reg.add(f"{DIR}/EducationOrganization.xml", DISTRICT_SLUG, SIS_NAME, "edfi-xml-5", "utf-8",
                           "schools"), reg.root, "InterchangeEducationOrganization",
                   "Interchange-EducationOrganization.xsd")  # fmt: skip
    parts = [
        f"\t<LocalEducationAgency>\n\t\t<LocalEducationAgencyId>{DISTRICT_ID}</LocalEducationAgencyId>\n"
        f"\t\t<NameOfInstitution>{escape(DISTRICT_NAME)}</NameOfInstitution>\n"
        f"\t\t<EducationOrganizationCategory>{U}EducationOrganizationCategoryDescriptor#Local Education Agency"
        f"</EducationOrganizationCategory>\n{_address('500 Harbor Blvd', '61290', 41.512, -90.581)}"
        f"\t\t<LocalEducationAgencyCategory>{U}LocalEducationAgencyCategoryDescriptor#Independent"
        f"</LocalEducationAgencyCategory>\n\t</LocalEducationAgency>\n"
    ]
    for s in SCHOOLS:
        nb = NEIGHBORHOODS[NEIGHBORHOOD_INDEX[s.neighborhood]]
        grades = "".join(f"\t\t<GradeLevel>\n\t\t\t<GradeLevel>{U}GradeLevelDescriptor#{GRADE_NAMES[g]}</GradeLevel>\n"
                         f"\t\t</GradeLevel>\n" for g in LEVEL_GRADES[s.level])  # fmt: skip
        parts.append(
            f"\t<School>\n\t\t<SchoolId>{s.school_id}</SchoolId>\n\t\t<NameOfInstitution>{escape(s.name)}"
            f"</NameOfInstitution>\n\t\t<ShortNameOfInstitution>{s.slug}</ShortNameOfInstitution>\n"
            f"\t\t<EducationOrganizationCategory>{U}EducationOrganizationCategoryDescriptor#School"
            f"</EducationOrganizationCategory>\n{_address(s.street, nb.zip_code, s.latitude, s.longitude)}{grades}"
            f"\t\t<SchoolCategory>\n\t\t\t<SchoolCategory>{U}SchoolCategoryDescriptor#{_CATEGORY[s.level]}"
            f"</SchoolCategory>\n\t\t</SchoolCategory>\n\t\t<LocalEducationAgencyReference>\n"
            f"\t\t\t<LocalEducationAgencyIdentity>\n\t\t\t\t<LocalEducationAgencyId>{DISTRICT_ID}"
            f"</LocalEducationAgencyId>\n\t\t\t</LocalEducationAgencyIdentity>\n\t\t</LocalEducationAgencyReference>\n"
            f"\t</School>\n"
        )
    sink.write(parts, 1 + len(SCHOOLS))
    sink.close()


def write_calendar(reg: Register, cal: SchoolCalendar) -> None:
    """Calendar.xml: semesters (Session), one Calendar per school and a CalendarDate for each school day or closure."""
    sink = XmlSink(reg.add(f"{DIR}/Calendar.xml", DISTRICT_SLUG, SIS_NAME, "edfi-xml-5", "utf-8", "calendar"),
                   reg.root, "InterchangeEducationOrgCalendar", "Interchange-EducationOrgCalendar.xsd")  # fmt: skip
    iso = cal.iso_strings()
    sy = cal.school_year
    terms = (("Fall", 0, cal.spring_start_index), ("Spring", cal.spring_start_index, cal.n_days))
    days = [(str(d), "Instructional day") for d in iso] + [
        (d.isoformat(), "Holiday") for d, _ in cal.non_instructional
    ]
    days.sort()
    parts: list[str] = []
    count = 0
    for s in SCHOOLS:
        for term, lo, hi in terms:
            parts.append(
                f"\t<Session>\n\t\t<SessionName>{sy} {term} Semester</SessionName>\n\t\t<SchoolYear>{sy}</SchoolYear>\n"
                f"\t\t<BeginDate>{iso[lo]}</BeginDate>\n\t\t<EndDate>{iso[hi - 1]}</EndDate>\n"
                f"\t\t<Term>{U}TermDescriptor#{term} Semester</Term>\n"
                f"\t\t<TotalInstructionalDays>{hi - lo}</TotalInstructionalDays>\n{school_ref(s.school_id, 2)}\t</Session>\n"
            )
        code = f"{s.school_id}-{sy}"
        parts.append(
            f"\t<Calendar>\n\t\t<CalendarCode>{code}</CalendarCode>\n\t\t<CalendarType>{U}CalendarTypeDescriptor"
            f"#School</CalendarType>\n{school_ref(s.school_id, 2)}\t\t<SchoolYear>{sy}</SchoolYear>\n\t</Calendar>\n"
        )
        ref = (f"\t\t<CalendarReference>\n\t\t\t<CalendarIdentity>\n\t\t\t\t<CalendarCode>{code}</CalendarCode>\n"
               f"{school_ref(s.school_id, 4)}\t\t\t\t<SchoolYear>{sy}</SchoolYear>\n\t\t\t</CalendarIdentity>\n"
               f"\t\t</CalendarReference>\n")  # fmt: skip
        for d, event in days:
            parts.append(f"\t<CalendarDate>\n\t\t<Date>{d}</Date>\n\t\t<CalendarEvent>{U}CalendarEventDescriptor#{event}"
                         f"</CalendarEvent>\n{ref}\t</CalendarDate>\n")  # fmt: skip
            count += 1
        count += 3
    sink.write(parts, count)
    sink.close()
