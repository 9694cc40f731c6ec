"""The dashboard and evidence-pack pages: who sees them, what they draw (charts, tables, map, notes), filters,
bad input, the boundaries setting, and that no student-level data is read to draw them."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory

from commonground.ecosystem.models import Organization
from commonground.governance import gate
from commonground.ingest import dataplane
from commonground.questions import actions
from commonground.questions.choices import Audience
from commonground.questions.models import Question
from commonground.questions.views import dashboard, dashboard_sources
from tests.factories import OrganizationFactory, make_user_with_role
from tests.governance.pdftext import pdf_text
from tests.questions.app_world import World, approved, build
from tests.questions.dashboard_fixtures import CSV_TEXT, handmade

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    """The question-catalog tests' small community (a district, a partner, one person per role)."""
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    return build(tmp_path / "files", make_user_with_role("hub_steward", hub, username="steward"))


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(question: Question, tail: str = "dashboard/") -> str:
    return f"/questions/{question.slug}/{tail}"


def test_audiences_and_only_published_releases(world: World) -> None:
    leaders = handmade(world)
    public = handmade(world, "public-map", Audience.PUBLIC)
    partners = handmade(world, "partner-map", Audience.PARTNERS)
    not_yet = approved(world, "not-yet")  # approved, never released
    anonymous, leader, coordinator = _client(), _client(world.leader), _client(world.coordinator)
    assert anonymous.get(_url(public)).status_code == 200
    assert anonymous.get(_url(leaders)).status_code == 404
    assert anonymous.get(_url(partners)).status_code == 404
    assert leader.get(_url(leaders)).status_code == 200
    assert coordinator.get(_url(leaders)).status_code == 404  # a case manager is a partner, not a leader
    assert coordinator.get(_url(partners)).status_code == 200
    assert _client(world.parent).get(_url(partners)).status_code == 404
    assert _client(world.steward).get(_url(not_yet)).status_code == 404  # no published release
    assert anonymous.get(_url(leaders, "evidence.pdf")).status_code == 404  # same rule for the pack
    assert leader.get(_url(leaders) + "?release=2").status_code == 404


def test_the_page_draws_trend_bars_map_tables_and_notes(world: World) -> None:
    question = handmade(world)
    response = _client(world.leader).get(_url(question))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Where are children missing the most school?</h1>" in html
    # Filters: every dimension of the release, the latest year chosen by default.
    assert (
        '<select id="filter-school" name="school">' in html
        and '<option value="2025" selected>2024–25</option>' in html
    )
    assert "Chronically absent students, 2024–25: 17.8% (80 out of 450)." in html
    # Vega-Lite specs in JSON data blocks (no inline script), drawn by charts.js.
    specs = {k: json.loads(v) for k, v in _json_blocks(html).items()}
    assert set(specs) == {"chart-year", "chart-school"}
    assert [r["label"] for r in specs["chart-year"]["data"]["values"]] == ["2023–24", "2024–25"]
    schools = specs["chart-school"]["data"]["values"]
    assert [(r["label"], r["text"]) for r in schools] == [("Lincoln Elementary", "21.3%"),
                                                         ("Oak Hill Elementary", "suppressed"),
                                                         ("Riverside Elementary", "20.0%")]  # fmt: skip
    assert 'src="/static/commonground/charts.js"' in html
    # Tables beside the charts, with captions and scopes; hidden cells say so.
    assert (
        '<caption id="chart-school-caption">Chronically absent students by school, 2024–25</caption>' in html
    )
    assert ('<th scope="row">Oak Hill Elementary</th><td class="num suppressed">suppressed</td>'
            '<td class="num suppressed">suppressed</td><td class="num suppressed">suppressed</td>') in html  # fmt: skip
    # The map cannot hold the year: the page says why instead of drawing something else.
    assert "This release does not break neighbourhood down by school year" in html
    # The indicator's definition and "how to read this" beside each chart.
    assert html.count("What this measures") == 2 and html.count("How to read this") == 2
    assert "one student in five missed at least 18 days" in html


def test_the_map_with_every_year(world: World) -> None:
    question = handmade(world)
    html = _client(world.leader).get(_url(question) + "?year=All").content.decode()
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in html
        and 'role="img" aria-labelledby="map-title map-desc"' in html
    )
    assert "url(#map-hatch)" in html and "Oak Hill: suppressed" in html
    assert "Not on the map (no boundary for them): Unknown." in html
    assert '<th scope="row">Northgate</th><td class="num">10.5%</td>' in html
    assert html.count("What this measures") == 3  # trend, school bars, map


def test_bad_filters_are_refused_with_a_clear_message(world: World) -> None:
    question = handmade(world)
    client = _client(world.leader)
    response = client.get(_url(question) + "?school=999")
    assert response.status_code == 400
    assert (
        "School &#x27;999&#x27; is not in this release; choose one of: All schools"
        in response.content.decode()
    )
    pack = client.get(_url(question, "evidence.html") + "?measure=nope")
    assert pack.status_code == 400 and b"unknown measure 'nope'" in pack.content
    assert client.get(_url(question, "evidence.docx")).status_code == 404


def test_evidence_packs_download_as_html_and_pdf(world: World) -> None:
    question = handmade(world)
    client = _client(world.leader)
    html = client.get(_url(question, "evidence.html") + "?year=All")
    assert html.status_code == 200 and html["Content-Type"] == "text/html; charset=utf-8"
    assert html["Content-Disposition"] == 'attachment; filename="absence-map-v1-evidence.html"'
    assert html["Content-Security-Policy"].startswith("default-src 'none'")
    body = html.content.decode()
    release = question.releases.get()
    for part in ("Where are children missing the most school?", "url(#map-hatch)",
                 "Riverbend Schools: attendance (submission 7; tables attendance_summary; accepted 2025-06-30)",
                 release.sha256,
                 "Version 1, published 2025-07-01", "3 cell(s) were hidden", "1200 records of 900 people",
                 "chronic_absence@1", "/questions/absence-map/dashboard/?year=All"):  # fmt: skip
        assert part in body, part
    pdf = client.get(_url(question, "evidence.pdf"))
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF-")
    )
    assert pdf["Content-Disposition"] == 'attachment; filename="absence-map-v1-evidence.pdf"'


def test_a_one_year_release_says_there_is_no_trend_yet(world: World) -> None:
    question = approved(world, breakdowns=[["school"], ["year"]])
    actions.do_publish_release(acting_user=world.steward, question=question, min_cell=10)
    html = _client(world.leader).get(_url(question)).content.decode()
    assert "Only one school year (2025–26) is in this release, so there is no trend to draw yet" in html
    assert 'id="chart-year"' not in html and 'id="chart-school"' in html
    assert "This release is not broken down by neighbourhood." in html
    assert (
        html.count('<td class="num suppressed">suppressed</td>') == 6
    )  # schools C and D, three columns each
    # Once the registry says where the schools are, the map adds up the published school figures.
    for school, hood in (("A", "Riverside"), ("B", "Riverside"), ("C", "Millbrook"), ("D", "Cedar Park")):
        OrganizationFactory(slug=f"school-{school}", kind="school", name=f"School {school}", external_id=school,
                            neighborhood=hood)  # fmt: skip
    html = _client(world.leader).get(_url(question)).content.decode()
    assert "each neighbourhood&#x27;s figure is the sum of its schools&#x27; published figures" in html
    assert (
        '<th scope="row">Riverside</th><td class="num">44.0%</td><td class="num">22</td><td class="num">50</td>'
        in html
    )
    assert '<th scope="row">Millbrook</th><td class="num suppressed">suppressed</td>' in html
    assert "Oak Hill: no data" in html and "Millbrook: suppressed" in html
    # The PDF pack of a real release: the wording, the hidden schools marked, the release's hash.
    release = question.releases.get()
    text = pdf_text(dashboard_pack_pdf(world, question))
    assert question.wording in text and "suppressed" in text and release.sha256 in text


def test_a_malformed_boundaries_file_is_reported_on_the_page(
    world: World, tmp_path: Path, settings: Any
) -> None:
    question = handmade(world)
    bad = tmp_path / "boundaries.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}', encoding="utf-8"
    )
    settings.COMMONGROUND_BOUNDARIES = str(bad)
    html = _client(world.leader).get(_url(question) + "?year=All").content.decode()
    assert (
        f"The map cannot be drawn: {bad}, feature 1: no &#x27;name&#x27; property naming the neighbourhood"
        in html
    )
    assert '<th scope="row">Northgate</th>' in html  # the table still has the figures
    settings.COMMONGROUND_BOUNDARIES = ""
    settings.COMMONGROUND_HOME = tmp_path  # a file under the hub home is used when no setting names one
    assert dashboard_sources.boundaries_path() == bad


def test_drawing_reads_no_student_level_data(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    question = handmade(world)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the dashboard must not read student-level data")

    # every function the gate module defines (read, authorize, disclose, system_read, …), whatever it grows
    for name, member in vars(gate).copy().items():
        if inspect.isfunction(member) and member.__module__ == gate.__name__ and not name.startswith("_"):
            monkeypatch.setattr(gate, name, refuse)
    for name in ("current_relation", "current_files", "scope", "connect"):
        monkeypatch.setattr(dataplane, name, refuse)
    client = _client(world.leader)
    assert client.get(_url(question) + "?year=All").status_code == 200
    assert client.get(_url(question, "evidence.pdf")).status_code == 200
    assert client.get(_url(question, "evidence.html")).status_code == 200


def _json_blocks(html: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.DOTALL))


def dashboard_pack_pdf(world: World, question: Question) -> bytes:
    """The question's PDF pack, uncompressed so its text can be read back."""
    from commonground.questions.dashboards import render_pdf
    from commonground.questions.views.dashboard_pack import build_pack

    request = RequestFactory().get(_url(question, "evidence.pdf"))
    request.user = world.leader
    return render_pdf(build_pack(request, dashboard.load(request, question.slug)), compress=False)


def test_school_names_come_from_the_ecosystem_registry(world: World) -> None:
    handmade(world)
    Organization.objects.filter(external_id="417300101").update(name="Lincoln School")
    assert dashboard_sources.value_names()["school"]["417300101"] == "Lincoln School"


def test_a_slice_of_hidden_groups_draws_no_empty_chart(world: World) -> None:
    lines = CSV_TEXT.splitlines()
    hidden = [lines[0]] + [
        ",".join([*line.split(",")[:4], "", "", "", "suppressed"]) if not line.startswith("All,") else line
        for line in lines[1:]
    ]
    question = handmade(world, csv_text="\n".join(hidden) + "\n")
    html = _client(world.leader).get(_url(question) + "?year=All").content.decode()
    assert (
        "Every group here is suppressed (too few students to publish), so there is nothing to draw." in html
    )
    assert 'id="chart-school"' not in html and 'id="chart-year"' in html  # the years are still published
    assert (
        html.count('<td class="num suppressed">suppressed</td>') == 3 * 3 + 3 * 2
    )  # schools; Oak Hill, Unknown
