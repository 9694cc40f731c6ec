"""Every connector fills ``person.race_ethnicity`` (and ``sex``): OneRoster demographics.csv, Ed-Fi XML and API,
and a partner's own file through a mapping. Drift is reported and read; unreadable values are located errors."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from commonground.ingest.connectors import canonical, race
from commonground.ingest.connectors.edfi_api_pull import CONTACT_FIELDS, PullResult, merge_roster
from commonground.ingest.connectors.edfi_api_resources import to_element
from commonground.ingest.connectors.edfi_records import EdfiState, handler_for
from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.ingest.connectors.mapping import load_mapping, suggest_mapping
from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.tabular import parse_tabular

from .conftest import GRAND_BEND, find_issue

# The Grand Bend sample's demographics.csv (Ed-Fi Alliance, LMS-Toolkit), read by hand: 604863 asian and
# Hispanic; 604874 American Indian; 604918 asian and Hispanic; 604927 black; 604938 asian; 604969 white;
# 604974 black; 605015 American Indian and Hispanic.
GRAND_BEND_RACE = {
    "604863": (race.HISPANIC, "female"),
    "604874": (race.AIAN, "male"),
    "604918": (race.HISPANIC, "male"),
    "604927": (race.BLACK, "male"),
    "604938": (race.ASIAN, "male"),
    "604969": (race.WHITE, "male"),
    "604974": (race.BLACK, "female"),
    "605015": (race.HISPANIC, "male"),
}
HEADER = (
    "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,"
    "nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,"
    "countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
)


def _people(result: ParseResult) -> dict[str, tuple[str | None, str | None]]:
    return {
        p["source_person_id"]: (p["race_ethnicity"], p["sex"]) for p in result.tables["person"].to_pylist()
    }


def test_the_grand_bend_sample_rolls_up_as_read_by_hand() -> None:
    result = parse_oneroster(GRAND_BEND, "grand-bend")
    assert result.ok
    assert _people(result) == GRAND_BEND_RACE
    # Only birthplace and residence status stay out of the hub now (data minimization).
    assert result.not_kept["demographics.csv"] == [
        "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus"
    ]  # fmt: skip


def _demographics(folder: Path, *rows: str) -> None:
    (folder / "demographics.csv").write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")


def test_drifted_flags_are_read_and_reported_once_per_column(grand_bend: Path) -> None:
    _demographics(
        grand_bend,
        "604863,,,2010-05-30,female,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,,,,",
        "604874,,,2010-07-31,male,0,0,1,0,1,1,0,,,,",
        "604918,,,2010-01-18,male,N,N,N,N,Y,N,Y,,,,",
        "604927,,,2010-03-30,male,,,,,,,,,,,",
    )
    result = parse_oneroster(grand_bend, "grand-bend")
    assert result.ok, [i.message for i in result.errors]
    people = _people(result)
    assert [people[s][0] for s in ("604863", "604874", "604918", "604927")] == [
        race.ASIAN, race.TWO_OR_MORE, race.HISPANIC, None  # empty flags: not known
    ]  # fmt: skip
    drift = [i for i in result.issues if i.code == "value-drift"]
    assert [(i.line, i.column, i.value) for i in drift][:2] == [(2, "americanIndianOrAlaskaNative", "FALSE"),
                                                                (2, "asian", "TRUE")]  # fmt: skip
    assert "3 row(s) spell it otherwise" in find_issue(result, "value-drift").message
    assert len(drift) == 7  # one warning per column, not one per cell


def test_unreadable_and_conflicting_flags_are_located(grand_bend: Path) -> None:
    _demographics(
        grand_bend,
        "604863,,,2010-05-30,female,false,maybe,false,false,false,false,false,,,,",
        "604874,,,2010-07-31,male,false,true,false,false,true,false,false,,,,",
        "604918,,,2010-01-18,male,false,false,false,false,true,true,false,,,,",
    )
    result = parse_oneroster(grand_bend, "grand-bend")
    bad = find_issue(result, "bad-value", "error")
    assert (bad.file, bad.line, bad.column, bad.value) == ("demographics.csv", 2, "asian", "maybe")
    assert bad.expected == "true or false (OneRoster demographics)"
    # The person row is still built (sex kept, race not known); the error is its row's, for quarantine.
    assert _people(result)["604863"] == (None, "female")
    assert result.row_aliases[("demographics.csv", 2)][0] == "users.csv"
    conflicts = [i for i in result.issues if i.code == "conflicting-value"]
    assert [(i.line, i.column, i.value) for i in conflicts] == [
        (3, "demographicRaceTwoOrMoreRaces", "false"), (4, "demographicRaceTwoOrMoreRaces", "true")
    ]  # fmt: skip
    assert "2 race columns are true" in conflicts[0].expected
    assert _people(result)["604874"][0] == _people(result)["604918"][0] == race.TWO_OR_MORE


NS = "http://ed-fi.org/5.2.0"
REF = "<StudentReference><StudentIdentity><StudentUniqueId>{}</StudentUniqueId></StudentIdentity></StudentReference>"


def _seoa(sid: str, body: str) -> str:
    return f"<StudentEducationOrganizationAssociation>{REF.format(sid)}{body}</StudentEducationOrganizationAssociation>\n"


def _student(sid: str, body: str = "") -> str:
    return f"<Student><StudentUniqueId>{sid}</StudentUniqueId><Name><FirstName>A</FirstName><LastSurname>B</LastSurname></Name>{body}</Student>\n"


def _edfi(tmp_path: Path, body: str) -> ParseResult:
    path = tmp_path / "Student.xml"
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-8'?>\n<InterchangeStudent xmlns=\"{NS}\">\n{body}</InterchangeStudent>\n",
        encoding="utf-8",
    )
    return parse_edfi_xml([path], "district")


U = "uri://ed-fi.org/"


def test_edfi_xml_race_descriptors_and_ethnicity(tmp_path: Path) -> None:
    result = _edfi(
        tmp_path,
        "".join(_student(s) for s in "abcdefg")
        + _seoa("a", f"<Sex>{U}SexDescriptor#Female</Sex><HispanicLatinoEthnicity>true</HispanicLatinoEthnicity>"
                     f"<Race>{U}RaceDescriptor#White</Race>")
        + _seoa("b", f"<HispanicLatinoEthnicity>false</HispanicLatinoEthnicity><Race>{U}RaceDescriptor#White</Race>"
                     f"<Race>{U}RaceDescriptor#Asian</Race>")
        + _seoa("c", f"<Sex>{U}SexDescriptor#Non-binary</Sex><Race>{U}RaceDescriptor#Black - African American</Race>")
        + _seoa("d", f"<Race>{U}RaceDescriptor#Choose Not to Respond</Race>")
        + _seoa("e", f"<Race>{U}RaceDescriptor#Hispanic or Latino</Race>")
        + _seoa("f", f"<Race><RaceDescriptor>{U}RaceDescriptor#Native Hawaiian or Pacific Islander</RaceDescriptor></Race>")
        + _seoa("g", f"<Race>{U}RaceDescriptor#Martian</Race>"),
    )  # fmt: skip
    people = _people(result)
    assert people == {
        "a": (race.HISPANIC, "female"),
        "b": (race.TWO_OR_MORE, None),
        "c": (race.BLACK, "nonbinary"),
        "d": (None, None),
        "e": (race.HISPANIC, None),
        "f": (race.NHPI, None),
        "g": (None, None),
    }
    bad = find_issue(result, "bad-value", "error")
    assert (bad.file, bad.line, bad.column) == (
        "Student.xml",
        16,
        "StudentEducationOrganizationAssociation/Race",
    )
    assert bad.value == f"{U}RaceDescriptor#Martian" and "RaceDescriptor" in bad.expected


def test_two_associations_that_disagree_are_pooled_and_reported(tmp_path: Path) -> None:
    result = _edfi(
        tmp_path,
        _student("a")
        + _seoa("a", f"<HispanicLatinoEthnicity>false</HispanicLatinoEthnicity><Race>{U}RaceDescriptor#White</Race>")
        + _seoa("a", f"<Race>{U}RaceDescriptor#Asian</Race>"),
    )  # fmt: skip
    assert _people(result)["a"][0] == race.TWO_OR_MORE
    issue = find_issue(result, "conflicting-value", "warning")
    assert (issue.line, issue.value) == (5, race.ASIAN)
    assert "line 4 of Student.xml" in issue.expected and "pooled as Two or more races" in issue.expected


def test_race_on_an_older_student_record_is_read(tmp_path: Path) -> None:
    result = _edfi(tmp_path, _student("a", f"<HispanicLatinoEthnicity>0</HispanicLatinoEthnicity><Race>{U}RaceDescriptor#Asian</Race>"))  # fmt: skip
    assert _people(result)["a"] == (race.ASIAN, None)


def test_the_api_json_shape_reaches_the_same_mapper() -> None:
    """``races: [{raceDescriptor}]`` and ``hispanicLatinoEthnicity`` as GET …/studentEducationOrganizationAssociations gives them."""
    state = EdfiState("district", ParseResult())
    tag = "StudentEducationOrganizationAssociation"
    item = {
        "studentReference": {"studentUniqueId": "604821"},
        "hispanicLatinoEthnicity": False,
        "races": [
            {"raceDescriptor": f"{U}RaceDescriptor#White"},
            {"raceDescriptor": f"{U}RaceDescriptor#Asian"},
        ],
        "sexDescriptor": f"{U}SexDescriptor#Male",
    }
    handler = handler_for(tag)
    assert handler is not None
    handler(state, to_element(item, tag, 1), "ed-fi/studentEducationOrganizationAssociations")
    assert state.contacts["604821"]["race_ethnicity"] == race.TWO_OR_MORE
    assert state.contacts["604821"]["sex"] == "male"


def test_a_partner_file_maps_a_race_column_with_a_value_map(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "Student ID,Gender,Race/Ethnicity\n1,F,B\n2,M,Hispanic\n3,F,White; Asian\n4,M,\n5,F,Plaid\n",
        encoding="utf-8",
    )
    assert suggest_mapping(["Student ID", "Gender", "Race/Ethnicity"], "person")["columns"] == {
        "source_person_id": "Student ID", "sex": "Gender", "race_ethnicity": "Race/Ethnicity"
    }  # fmt: skip
    mapping = load_mapping(
        "table: person\nid_column: Student ID\ncolumns: {sex: Gender, race_ethnicity: Race/Ethnicity}\n"
        "value_maps: {race_ethnicity: {B: Black or African American}}\n"
    )
    result = parse_tabular(path, mapping, source_org="club")
    people = [(p["race_ethnicity"], p["sex"]) for p in result.tables["person"].to_pylist()]
    assert people[:4] == [(race.BLACK, "female"), (race.HISPANIC, "male"), (race.TWO_OR_MORE, "female"),
                          (None, "male")]  # fmt: skip
    bad = find_issue(result, "bad-value")
    assert (bad.file, bad.line, bad.column, bad.value) == ("roster.csv", 6, "Race/Ethnicity", "Plaid")
    assert bad.expected == race.EXPECTED


def test_an_incremental_api_pull_carries_a_changed_race_into_the_roster() -> None:
    """A student whose association changed (not the student) gets the association's new race/ethnicity."""
    previous = pa.Table.from_pylist(
        [{"source_org": "d", "source_person_id": "s1", "sex": "female", "race_ethnicity": race.WHITE}],
        schema=canonical.schema("person"),
    )
    contact = dict.fromkeys(CONTACT_FIELDS) | {"sex": None, "race_ethnicity": race.TWO_OR_MORE}
    pulled = PullResult(ParseResult(), contact_ids={"s1"}, contact_updates={"s1": contact})
    merged, counts = merge_roster("person", previous, canonical.empty_table("person"), pulled)
    assert counts["carried"] == 1
    assert merged.to_pylist()[0]["race_ethnicity"] == race.TWO_OR_MORE
    assert merged.to_pylist()[0]["sex"] == "female"  # the student's own sex is kept
