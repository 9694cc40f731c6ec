"""The district and the four community partners: who they are and which systems hold their data."""

from __future__ import annotations

from typing import Any

from .community import CITY, CITY_LAT, CITY_LON, DISTRICT_ID, NEIGHBORHOOD_INDEX, NEIGHBORHOODS, STATE

DISTRICT_SLUG = "harbor-falls-usd"
DISTRICT_NAME = f"{CITY} Unified School District"
SIS_NAME = "Keystone SIS"
LMS_NAME = "ClassHarbor LMS"

DISTRICT_SYSTEMS: list[dict[str, str]] = [
    {
        "name": SIS_NAME, "vendor": "Northwind Education Systems", "kind": "sis",
        "data_held": "Student demographics, enrollment, daily attendance, schedules, course grades, discipline "
        "incidents and actions, state assessment results",
        "export_formats": "OneRoster 1.1 bulk CSV; Ed-Fi Data Standard 5.2 XML interchanges (nightly)",
        "reporting_mandates": "State attendance and enrollment reporting; ESSA accountability (chronic "
        "absenteeism indicator); Civil Rights Data Collection (discipline); state assessment participation",
        "legal_constraints": "FERPA (34 CFR Part 99); state student online personal protection act; "
        "directory-information opt-outs must be honored",
        "technical_constraints": "Exports run in a nightly window; attendance exports hold absences and tardies "
        "only (present is implied); very large interchanges are delivered as Parquet",
    },
    {
        "name": LMS_NAME, "vendor": "Brightpath Learning", "kind": "lms",
        "data_held": "Class rosters synced from the SIS, assignments, gradebook entries",
        "export_formats": "OneRoster 1.1 CSV (rostering in), gradebook CSV",
        "reporting_mandates": "None (instructional use)",
        "legal_constraints": "FERPA school-official exception under the district contract; COPPA for students "
        "under 13",
        "technical_constraints": "Rostering only through OneRoster; holds no attendance",
    },
]  # fmt: skip

PARTNERS: list[dict[str, Any]] = [
    {
        "key": "afterschool", "slug": "bright-futures-afterschool", "name": "Bright Futures After-School Program",
        "kind": "nonprofit", "neighborhood": "East Bluff", "street": "1420 Union St",
        "description": "Free after-school homework help, enrichment and meals at six elementary and middle "
        "school sites, funded by a 21st Century Community Learning Centers grant.",
        "systems": [{
            "name": "ProgramTrack", "vendor": "Cascade Youth Software", "kind": "program",
            "data_held": "Participant enrollment forms, guardian contacts, daily sign-in and sign-out",
            "export_formats": "CSV (UTF-8) from the reports menu",
            "reporting_mandates": "21st CCLC Annual Performance Report (federal, through the state education "
            "agency); city youth-services grant quarterly counts",
            "legal_constraints": "Guardian enrollment form includes a release to exchange attendance and grades "
            "with the district; program records are not education records until combined with them",
            "technical_constraints": "Staff type enrollment forms by hand; no district student ID field; "
            "birth dates as M/D/YYYY text",
        }],
    },
    {
        "key": "mentoring", "slug": "big-horizons-mentoring", "name": "Big Horizons Mentoring",
        "kind": "nonprofit", "neighborhood": "Millbrook", "street": "88 Grain St",
        "description": "School-based and community one-to-one mentoring for students in grades 3-12 who are "
        "referred by counselors, families or the courts.",
        "systems": [{
            "name": "Mentoring workbooks", "vendor": "Microsoft Excel", "kind": "spreadsheet",
            "data_held": "Mentee roster and match records; service contact log kept by match-support staff",
            "export_formats": "XLSX workbooks on a shared drive",
            "reporting_mandates": "OJJDP mentoring grant performance measures; United Way outcome report",
            "legal_constraints": "Paper parental consent forms; match records confidential under program policy",
            "technical_constraints": "Maintained by hand; birth dates typed as day/month/year text by one "
            "coordinator; IDs are reissued each program year",
        }],
    },
    {
        "key": "clinic", "slug": "harbor-falls-school-health", "name": "Harbor Falls Community Health Center",
        "kind": "nonprofit", "neighborhood": "Riverside", "street": "215 Front St",
        "description": "A federally qualified health center that runs school-based health centers with "
        "primary care, behavioral health and dental screening for students.",
        "systems": [{
            "name": "Meridian EHR", "vendor": "Meridian Health Records", "kind": "health",
            "data_held": "Patient demographics, visits, diagnoses, immunizations, behavioral-health notes",
            "export_formats": "CSV in Windows-1252 from the practice-management report writer",
            "reporting_mandates": "HRSA Uniform Data System (UDS) report; state school-based health center "
            "annual report",
            "legal_constraints": "HIPAA Privacy Rule (45 CFR Parts 160 and 164): disclosure needs a HIPAA "
            "authorization or a de-identified extract; 42 CFR Part 2 for substance-use records; minor-consent "
            "services are never shared",
            "technical_constraints": "Report writer uses its own column names and Windows-1252 encoding; "
            "dates as M/D/YYYY",
        }],
    },
    {
        "key": "housing", "slug": "river-valley-housing", "name": "River Valley Family Housing Services",
        "kind": "agency", "neighborhood": "Northgate", "street": "2750 Northgate Blvd",
        "description": "Rapid re-housing, emergency shelter and eviction prevention for families with children, "
        "coordinating with the district's McKinney-Vento homeless liaison.",
        "systems": [{
            "name": "CommonPath HMIS", "vendor": "CommonPath Software", "kind": "hmis",
            "data_held": "Client universal data elements, household composition, project enrollments and exits",
            "export_formats": "XLSX from the HMIS report builder; HMIS CSV export",
            "reporting_mandates": "HUD HMIS Data Standards; CoC Annual Performance Report (APR) and ESG CAPER; "
            "Longitudinal Systems Analysis",
            "legal_constraints": "HUD HMIS Privacy and Security Standards (69 FR 45888); written client consent "
            "for sharing outside the Continuum of Care; VAWA bars identifying data from victim-service providers",
            "technical_constraints": "One row per household member; dates as real Excel dates (yyyy-mm-dd); "
            "a DOB data-quality code instead of blanks",
        }],
    },
]  # fmt: skip
PARTNER_BY_KEY = {p["key"]: p for p in PARTNERS}


def district_entry() -> dict[str, Any]:
    """The ``district`` object of community.json."""
    return {
        "slug": DISTRICT_SLUG,
        "name": DISTRICT_NAME,
        "external_id": DISTRICT_ID,
        "address": f"500 Harbor Blvd, {CITY}, {STATE} 61290",
        "latitude": CITY_LAT,
        "longitude": CITY_LON,
        "systems": DISTRICT_SYSTEMS,
    }


def partner_entry(partner: dict[str, Any], participants: int) -> dict[str, Any]:
    """One object of the ``partners`` list of community.json."""
    nb = NEIGHBORHOODS[NEIGHBORHOOD_INDEX[partner["neighborhood"]]]
    return {
        "slug": partner["slug"],
        "name": partner["name"],
        "kind": partner["kind"],
        "description": partner["description"],
        "neighborhood": nb.name,
        "address": f"{partner['street']}, {CITY}, {STATE} {nb.zip_code}",
        "latitude": round(nb.latitude + 0.0031, 5),
        "longitude": round(nb.longitude - 0.0027, 5),
        "systems": partner["systems"],
        "participants": participants,
    }
