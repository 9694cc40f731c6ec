"""The mapping wizard: a sample's headers and first rows, the suggested mapping, the live preview, Save."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest import wizard
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.inbox import sanitize_name
from commonground.ingest.mapping_actions import current_mappings
from commonground.ingest.models import SavedMapping, Submission
from commonground.people.models import User
from tests.factories import InformationSystemFactory

from .web import (  # noqa: F401 - pytest finds the fixtures by being imported
    case_manager_fixture,
    client_for,
    data_lead_fixture,
    district_fixture,
    partner_fixture,
    steward_client_fixture,
    steward_fixture,
)

ROSTER = "Student ID,First Name,Surname,DOB,Gender,Favourite colour\n" + "".join(
    f"{n},Name{n},Family{n},03/{n + 12}/2012,{'F' if n % 2 else 'Boy'},blue\n" for n in range(1, 16)
)


@pytest.fixture
def program_db(district: Organization) -> InformationSystem:
    return InformationSystemFactory(organization=district, name="After-school roster", kind="program")


def start(client: Client, system: InformationSystem, content: bytes, name: str = "roster.csv") -> str:
    """Upload a sample; return the mapping step's URL."""
    sample = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("ingest:mapping_wizard"), {"system": system.pk, "table": "person", "file": sample}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return str(response["Location"])


def form_data(page: str) -> dict[str, str]:
    """The wizard form's current values as the page shows them (selected options and inputs)."""
    data: dict[str, str] = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input type="text" name="(fmt__[^"]+)" id="[^"]+" value="([^"]*)"', page):
        data[name] = value.replace("&#x27;", "'")
    return data


def test_suggests_a_mapping_from_the_headers_and_shows_ten_rows(
    data_lead: User, program_db: InformationSystem
) -> None:
    client = client_for(data_lead)
    url = start(client, program_db, ROSTER.encode("cp1252"))
    page = client.get(url).content.decode()

    assert '<th scope="col">Favourite colour</th>' in page and "Name10" in page and "Name11" not in page
    data = form_data(page)
    assert data["col__source_person_id"] == "Student ID" and data["col__last_name"] == "Surname"
    assert data["col__birth_date"] == "DOB" and data["col__sex"] == "Gender" and data["col__email"] == ""
    assert data["fmt__birth_date"] == "%m/%d/%Y", "the date layout is guessed from the sample"
    assert "2012-03-13" in page, "the first preview is drawn from the suggestion, without JavaScript"
    assert 'hx-post="' + url + 'preview/"' in page
    folder = Path(settings.COMMONGROUND_HOME) / "data" / "wizard"
    kept = list(folder.glob("*/*"))
    assert [p.name for p in kept] == ["sample.csv"] and kept[0].read_text().count("\n") == 11


def test_live_preview_shows_each_cell_error(steward_client: Client, program_db: InformationSystem) -> None:
    url = start(steward_client, program_db, ROSTER.encode())
    data = form_data(steward_client.get(url).content.decode())

    good = steward_client.post(url + "preview/", {**data, "value_maps": "sex: F=female, Boy=male"})
    assert good.status_code == 200 and "<html" not in good.content.decode()
    assert (
        "No problems in the first rows" in good.content.decode()
        and "<td>female</td>" in good.content.decode()
    )

    wrong = steward_client.post(url + "preview/", {**data, "fmt__birth_date": "%d/%m/%Y"}).content.decode()
    assert '<td class="cell-error"><span class="cell-value">03/13/2012</span>' in wrong
    assert "Error: expected a date as %d/%m/%Y" in wrong and "problems in the first rows" in wrong
    girl = steward_client.post(url + "preview/", {**data, "value_maps": "sex: F=lady"}).content.decode()
    assert (
        '<span class="cell-value">F</span><span class="cell-error-text">Error: expected female, male' in girl
    )

    missing = steward_client.post(url + "preview/", {**data, "col__source_person_id": ""}).content.decode()
    assert "choose the column that holds source_person_id (required)" in missing

    bad_map = steward_client.post(url + "preview/", {**data, "value_maps": "sex F female"}).content.decode()
    assert "line 1: expected &#x27;field: value=canonical" in bad_map


def test_save_stores_a_new_version_with_audit_and_offers_it_for_upload(
    data_lead: User, program_db: InformationSystem, district: Organization
) -> None:
    client = client_for(data_lead)
    url = start(client, program_db, ROSTER.encode())
    data = {**form_data(client.get(url).content.decode()), "value_maps": "sex: F=female, Boy=male"}

    response = client.post(url, {**data, "name": "roster", "save": "1"})

    saved = SavedMapping.objects.get()
    assert response.status_code == 302 and f"mapping={saved.pk}" in response["Location"]
    assert (saved.system, saved.organization, saved.table, saved.created_by) == (
        program_db,
        district,
        "person",
        data_lead,
    )
    mapping = load_mapping(saved.yaml_text)
    assert mapping.columns["first_name"] == "First Name" and mapping.value_maps["sex"]["Boy"] == "male"
    assert "Favourite colour" not in saved.yaml_text
    event = AuditEvent.objects.get(action="ingest.save_mapping")
    assert event.actor == data_lead and event.object_id == str(saved.pk)
    assert not any((Path(settings.COMMONGROUND_HOME) / "data" / "wizard").iterdir()), "the sample is deleted"
    assert client.get(url).status_code == 404, "the finished wizard's sample is gone"

    upload_page = client.get(response["Location"]).content.decode()
    assert f'<option value="{saved.pk}" selected>After-school roster: roster (person)</option>' in upload_page
    roster = SimpleUploadedFile("roster.csv", ROSTER.encode())
    sent = client.post(
        reverse("ingest:upload"),
        {
            "organization": district.pk,
            "system": program_db.pk,
            "format": "tabular",
            "mapping": saved.pk,
            "uploads": [roster],
        },
    )
    sub = Submission.objects.get()
    assert sent.status_code == 302 and (sub.status, sub.row_counts) == ("accepted", {"person": 15})

    again = start(client, program_db, ROSTER.encode())
    client.post(
        again, {**data, "value_maps": "sex: F=female, Boy=male, G=female", "name": "roster", "save": "1"}
    )
    newest = current_mappings(program_db)
    assert SavedMapping.objects.count() == 2 and len(newest) == 1 and "G: female" in newest[0].yaml_text


def test_a_sample_belongs_to_the_session_that_sent_it(
    steward_client: Client, data_lead: User, program_db: InformationSystem
) -> None:
    url = start(steward_client, program_db, ROSTER.encode())
    other = client_for(data_lead)
    assert other.get(url).status_code == 404
    assert other.post(url + "preview/", {}).status_code == 404


def test_wizard_refuses_case_managers_and_other_organizations_systems(
    case_manager: User, data_lead: User, partner: Organization
) -> None:
    assert client_for(case_manager).get(reverse("ingest:mapping_wizard")).status_code == 403
    theirs = InformationSystemFactory(organization=partner)
    response = client_for(data_lead).post(
        reverse("ingest:mapping_wizard"),
        {"system": theirs.pk, "table": "person", "file": SimpleUploadedFile("r.csv", ROSTER.encode())},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_a_workbook_sample_is_read_from_the_chosen_sheet(
    steward_client: Client, program_db: InformationSystem, tmp_path: Path
) -> None:
    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write_row(0, 0, ["nothing here"])
    sheet = book.add_worksheet("Roster")
    for r, line in enumerate(ROSTER.splitlines()):
        sheet.write_row(r, 0, line.split(","))
    book.close()
    response = steward_client.post(
        reverse("ingest:mapping_wizard"),
        {
            "system": program_db.pk,
            "table": "person",
            "file": SimpleUploadedFile("roster.xlsx", path.read_bytes()),
            "sheet": "Roster",
        },
    )
    page = steward_client.get(response["Location"]).content.decode()
    assert form_data(page)["col__first_name"] == "First Name"
    data = {**form_data(page), "value_maps": "sex: F=female, Boy=male", "name": "roster", "save": "1"}
    steward_client.post(response["Location"], data)
    assert load_mapping(SavedMapping.objects.get().yaml_text).sheet == "Roster"

    unreadable = steward_client.post(
        reverse("ingest:mapping_wizard"),
        {"system": program_db.pk, "table": "person", "file": SimpleUploadedFile("r.xlsx", b"not a workbook")},
    )
    assert "r.xlsx is not a readable workbook" in unreadable.content.decode()


def test_pure_helpers() -> None:
    assert wizard.parse_value_maps("sex: M=male, F=female\n\ngrade_level: K=KG") == {
        "sex": {"M": "male", "F": "female"},
        "grade_level": {"K": "KG"},
    }
    with pytest.raises(ValueError, match="line 2: 'M' should look like 'value=canonical'"):
        wizard.parse_value_maps("sex: F=female\nsex: M")
    assert wizard.guess_date_formats(["2012-03-01", ""]) == []
    assert wizard.guess_date_formats(["31.12.2011"]) == ["%d.%m.%Y"]
    assert wizard.guess_date_formats(["soon"]) == []
    assert sanitize_name("../../etc/Élèves 2025?.csv") == "Eleves 2025_.csv"
    assert sanitize_name("..") == "upload" and sanitize_name("C:\\temp\\x.csv") == "x.csv"
