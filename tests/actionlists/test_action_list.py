"""The action list as the after-school coordinator, a case manager whose training lapsed, and an outsider."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client

from commonground.governance.models import DisclosureRecord
from tests.actionlists.pages import student_rows
from tests.actionlists.world import ABSENCES, BELL_ABSENCES, ENTRY, TODAY, World

pytestmark = pytest.mark.django_db


def _enrolled_weekdays() -> int:
    """Weekdays from the entry day through today, counted independently of the code under test."""
    return int(np.busday_count(ENTRY, TODAY + np.timedelta64(1, "D")))


def test_coordinator_sees_allowed_figures_restricted_ones_and_no_other_program(
    world: World, coordinator_client: Client
) -> None:
    response = coordinator_client.get("/students/")
    assert response.status_code == 200
    rows = student_rows(response.content.decode())

    assert set(rows) == {"Ana Alvarez", "=2+3 Bell", "Cara Cole"}  # Dan Diaz is the other program's
    ana = rows["Ana Alvarez"]
    rate = 1 - len(ABSENCES) / _enrolled_weekdays()
    assert ana["Attendance rate"] == f"{rate:.0%}"
    assert (
        ana["Recent absences"] == "2"
    )  # two of the three absences fall in the last 30 days; a tardy is not one
    assert ana["Chronically absent"] == ("yes" if 1 - rate >= 0.1 else "no")
    assert (ana["Suspensions"], ana["Course failures"]) == ("1", "1")
    assert ana["Latest assessment"] == "restricted"  # the agreement does not cover assessments
    assert ana["Early warning"] == "at risk"  # a suspension and a failing grade
    assert ana["School"] == "Lincoln Elementary"
    assert "Days missed per month" in response.content.decode()

    bell = rows["=2+3 Bell"]  # consented to attendance only
    bell_rate = 1 - len(BELL_ABSENCES) / _enrolled_weekdays()
    assert (bell["Attendance rate"], bell["Recent absences"]) == (f"{bell_rate:.0%}", str(len(BELL_ABSENCES)))
    assert bell["Chronically absent"] == "yes"
    assert (bell["Suspensions"], bell["Course failures"]) == ("restricted", "restricted")

    cara = rows[
        "Cara Cole"
    ]  # no consent: the name comes from the program's own roster, every figure withheld
    assert {v for k, v in cara.items() if k not in ("School", "Absences by month")} == {"restricted"}
    assert "No written consent in force covers this element" in response.content.decode()


def test_each_student_shown_gets_disclosure_records(world: World, coordinator_client: Client) -> None:
    coordinator_client.get("/students/")

    shared = DisclosureRecord.objects.filter(route="view", purpose="direct_services", route_path="/students/")
    assert sorted(set(shared.values_list("hub_person_id", flat=True))) == ["HP-A", "HP-B"]
    ana = {e for r in shared.filter(hub_person_id="HP-A") for e in r.elements}
    assert {"attendance_event.date", "discipline_action.action_type", "course_grade.numeric_grade"} <= ana
    assert not any(e.startswith("assessment_result.") for e in ana)
    bell = {e for r in shared.filter(hub_person_id="HP-B") for e in r.elements}
    assert not any(e.startswith(("course_grade.", "discipline_action.")) for e in bell)
    own = DisclosureRecord.objects.filter(purpose="own_records")
    assert set(own.values_list("hub_person_id", flat=True)) == {
        "HP-C"
    }  # the name read back from its own roster
    assert not DisclosureRecord.objects.filter(hub_person_id="HP-D").exists()


def test_filters_search_and_sort(world: World, coordinator_client: Client) -> None:
    def names(query: str) -> list[str]:
        return list(student_rows(coordinator_client.get(f"/students/?{query}").content.decode()))

    assert names("flag=at_risk") == ["Ana Alvarez"]
    assert names("flag=suspended") == ["Ana Alvarez"]
    assert names("q=cole") == ["Cara Cole"]
    assert names("school=Lincoln+Elementary&sort=name") == ["=2+3 Bell", "Ana Alvarez"]
    assert names("flag=chronic") == ["=2+3 Bell"]
    assert names("sort=-recent") == ["=2+3 Bell", "Ana Alvarez", "Cara Cole"]  # restricted sorts last
    assert names("sort=recent") == ["Ana Alvarez", "=2+3 Bell", "Cara Cole"]
    assert names("flag=bogus&sort=bogus") == ["=2+3 Bell", "Ana Alvarez", "Cara Cole"]  # bad values: defaults


def test_lapsed_training_shows_the_reason_and_no_student(world: World) -> None:
    client = Client()
    client.force_login(world.lapsed)
    html = client.get("/students/").content.decode()

    assert "You lack current training that the agreement requires." in html
    assert "Dan Diaz" not in html and "<tbody>" not in html
    assert DisclosureRecord.objects.count() == 0
    assert client.get("/students/HP-D/").status_code == 404
    assert client.get("/students/export.csv").status_code == 404


def test_someone_serving_nobody_sees_an_empty_list(world: World) -> None:
    client = Client()
    client.force_login(world.outsider)
    response = client.get("/students/")
    assert (
        response.status_code == 200
        and "No students are linked to your program yet" in response.content.decode()
    )
    assert Client().get("/students/").status_code == 302  # signed out: to the sign-in page
