"""Ed-Fi records about people and places → canonical rows: students and their contact details, school
enrollments, education organizations (schools, LEAs, community organizations and providers) and calendars."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .edfi_race import record_race
from .edfi_state import DATE, EDORG_IDS, INSTRUCTIONAL, SCHOOL_PATH, EdfiState, parse_date, text
from .values import descriptor_value, parse_float, parse_grade, parse_school_year, parse_sex


def student(state: EdfiState, el: ET.Element, file: str) -> None:
    """Student → person."""
    sid = text(el, "StudentUniqueId")
    if sid is None:
        state.result.error(
            "missing-value", file, state.line_of(el), "Student/StudentUniqueId", None, "a StudentUniqueId"
        )
        return
    if sid in state.people:
        prior = state.people[sid]
        state.result.error(
            "duplicate-key",
            file,
            state.line_of(el),
            "Student/StudentUniqueId",
            sid,
            f"each student once; already on line {prior['source_line']} of {prior['source_file']}",
        )
        return
    sex = state.value(
        el,
        file,
        "BirthData/BirthSexDescriptor",
        parse_sex,
        "a sex descriptor (Female, Male…)",
        "BirthSexDescriptor",
        "BirthData/BirthSex",
        "BirthSex",
    )
    race_ethnicity = record_race(state, sid, el, file)  # older standards put race on Student
    state.people[sid] = {
        **state.base(el, file),
        "source_person_id": sid,
        "first_name": text(el, "Name/FirstName", "FirstName"),
        "middle_name": text(el, "Name/MiddleName", "MiddleName"),
        "last_name": text(el, "Name/LastSurname", "LastSurname"),
        "generation_suffix": text(el, "Name/GenerationCodeSuffix", "GenerationCodeSuffix"),
        "preferred_first_name": text(el, "Name/PreferredFirstName", "PreferredFirstName"),
        "preferred_last_name": text(el, "Name/PreferredLastSurname", "PreferredLastSurname"),
        "birth_date": state.value(el, file, "BirthData/BirthDate", parse_date, DATE, "BirthDate"),
        "sex": sex,
        "race_ethnicity": race_ethnicity,
    }


def student_edorg(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentEducationOrganizationAssociation → sex, race/ethnicity, address, phone, email merged into the
    person."""
    sid = state.student(el, file)
    if sid is None:
        return
    street = text(el, "Address/StreetNumberName")
    apt = text(el, "Address/ApartmentRoomSuiteNumber")
    state.contacts[sid] = {
        "sex": state.value(el, file, "SexDescriptor", parse_sex, "a sex descriptor", "Sex"),
        "address": " ".join(x for x in (street, apt) if x) or None,
        "city": text(el, "Address/City"),
        "state": (lambda s: descriptor_value(s) if s else None)(
            text(el, "Address/StateAbbreviationDescriptor", "Address/StateAbbreviation")
        ),
        "postal_code": text(el, "Address/PostalCode"),
        "phone": text(
            el,
            "Telephone/TelephoneNumber",
            "StudentEducationOrganizationAssociationTelephone/TelephoneNumber",
        ),
        "email": text(el, "ElectronicMail/ElectronicMailAddress"),
        "race_ethnicity": record_race(state, sid, el, file),
    }


def school_association(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentSchoolAssociation → enrollment."""
    sid = state.student(el, file)
    entry = state.value(el, file, "EntryDate", parse_date, DATE, required=True)
    year = state.value(
        el,
        file,
        "SchoolYearTypeReference/SchoolYear",
        parse_school_year,
        "a school year such as 2022 or 2021-2022",
        "SchoolYear",
    )
    if year is None and entry is not None:
        year = entry.year + 1 if entry.month >= 7 else entry.year
    grade = state.value(
        el, file, "EntryGradeLevelDescriptor", parse_grade, "a grade level descriptor", "EntryGradeLevel"
    )
    if sid is None:
        return
    state.add(
        "enrollment",
        {
            **state.base(el, file),
            "source_person_id": sid,
            "school_id": text(el, SCHOOL_PATH, "SchoolReference/SchoolId"),
            "school_year": year,
            "entry_date": entry,
            "exit_date": state.value(el, file, "ExitWithdrawDate", parse_date, DATE),
            "grade_level": grade,
        },
    )


def education_organization(state: EdfiState, el: ET.Element, file: str) -> None:
    """School, LEA, community organization/provider… → organization (and school)."""
    id_tag = EDORG_IDS[el.tag]
    org_id = text(el, id_tag)
    if org_id is None:
        state.result.error(
            "missing-value", file, state.line_of(el), f"{el.tag}/{id_tag}", None, f"a {id_tag}"
        )
        return
    name = text(el, "NameOfInstitution")
    state.org_names[org_id] = name or org_id
    parent = text(
        el,
        ".//LocalEducationAgencyReference//LocalEducationAgencyId",
        ".//ParentLocalEducationAgencyReference//LocalEducationAgencyId",
        ".//CommunityOrganizationReference//CommunityOrganizationId",
        ".//StateEducationAgencyReference//StateEducationAgencyId",
    )
    base = state.base(el, file)
    state.add(
        "organization",
        {
            **base,
            "org_id": org_id,
            "name": name,
            "org_type": el.tag,
            "parent_org_id": parent,
            "identifier": text(el, ".//IdentificationCode"),
        },
    )
    if el.tag == "School":
        street = text(el, "Address/StreetNumberName", "EducationOrganizationAddress/StreetNumberName")
        state.rows.setdefault("school", []).append(
            {
                **base,
                "school_id": org_id,
                "name": name,
                "district": parent,
                "address": street,
                "city": text(el, "Address/City"),
                "state": (lambda s: descriptor_value(s) if s else None)(
                    text(el, "Address/StateAbbreviationDescriptor", "Address/StateAbbreviation")
                ),
                "postal_code": text(el, "Address/PostalCode"),
                "latitude": state.value(el, file, "Address/Latitude", parse_float, "a decimal latitude"),
                "longitude": state.value(el, file, "Address/Longitude", parse_float, "a decimal longitude"),
            }
        )


def calendar_date(state: EdfiState, el: ET.Element, file: str) -> None:
    """CalendarDate → calendar_date (instructional or not)."""
    events = [
        descriptor_value(e.text)
        for e in el.iter()
        if e.tag in ("CalendarEventDescriptor", "CalendarEvent") and e.text and e.text.strip()
    ]
    state.add(
        "calendar_date",
        {
            **state.base(el, file),
            "school_id": text(el, ".//SchoolId"),
            "calendar_code": text(el, ".//CalendarCode"),
            "school_year": state.value(el, file, ".//SchoolYear", parse_school_year, "a school year"),
            "date": state.value(el, file, "Date", parse_date, DATE, required=True),
            "instructional": any(e.lower() in INSTRUCTIONAL for e in events),
            "event": "; ".join(events) or None,
        },
    )
