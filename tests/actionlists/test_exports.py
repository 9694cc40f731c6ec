"""CSV and XLSX exports: the content shown on the list, a record of disclosure per student with route "export",
and cells that a spreadsheet would run as formulas turned into text."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from commonground.actionlists.exports import neutralise
from commonground.governance.models import DisclosureRecord
from tests.actionlists.pages import student_rows
from tests.actionlists.world import World

pytestmark = pytest.mark.django_db


def test_csv_matches_the_list_and_is_recorded_as_an_export(world: World, coordinator_client: Client) -> None:
    shown = student_rows(coordinator_client.get("/students/").content.decode())
    DisclosureRecord.objects.all().delete()  # keep only the export's records
    response = coordinator_client.get("/students/export.csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_id = {line["Hub ID"]: line for line in lines}
    assert set(by_id) == {"HP-A", "HP-B", "HP-C"}
    assert by_id["HP-A"]["Student"] == "Ana Alvarez"
    for column in (
        "Attendance rate",
        "Recent absences",
        "Suspensions",
        "Course failures",
        "Latest assessment",
    ):
        assert by_id["HP-A"][column] == shown["Ana Alvarez"][column]
    assert by_id["HP-B"]["Student"] == "'=2+3 Bell"  # formula injection neutralised

    records = DisclosureRecord.objects.all()
    assert {r.route for r in records} == {"export"}
    assert sorted({r.hub_person_id for r in records if r.purpose == "direct_services"}) == ["HP-A", "HP-B"]
    assert all(r.route_path == "/students/export.csv" for r in records)


def test_xlsx_holds_the_same_rows_as_text(world: World, coordinator_client: Client) -> None:
    response = coordinator_client.get("/students/export.xlsx?flag=at_risk")

    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("Action list")
    rows = sheet.to_python()
    assert rows[0][:2] == ["Hub ID", "Student"]
    assert [r[:2] for r in rows[1:]] == [["HP-A", "Ana Alvarez"]]  # the filter applies to the export too
    assert set(DisclosureRecord.objects.values_list("route", flat=True)) == {"export"}
    # The file's students have their records; those the filter left out of it do not (nothing of theirs left).
    assert set(DisclosureRecord.objects.values_list("hub_person_id", flat=True)) == {"HP-A"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ana", "Ana"),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected
