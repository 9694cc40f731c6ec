"""The ecosystem map page: an accessible SVG and the table of every flow."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from commonground.ecosystem.ecomap import build_map
from tests.factories import DataFlowFactory, InformationSystemFactory, OrganizationFactory


def small_ecosystem() -> dict[str, Any]:
    hub = OrganizationFactory(slug="hub", name="Common Ground Hub", kind="hub")
    district = OrganizationFactory(slug="gbisd", name="Grand Bend ISD", kind="district")
    schools = [OrganizationFactory(name=f"School {i}", kind="school", parent=district) for i in range(3)]
    ngo = OrganizationFactory(name="Bright Futures Tutoring", kind="nonprofit")
    store = InformationSystemFactory(organization=hub, name="Hub store", kind="hub")
    sis = InformationSystemFactory(organization=district, name="District SIS", kind="sis")
    sheet = InformationSystemFactory(organization=ngo, name="Tutoring sheet", kind="spreadsheet")
    school_sys = InformationSystemFactory(organization=schools[0], name="School library", kind="other")
    flows = [
        DataFlowFactory(source=sis, target=store, what="Enrollment", frequency="daily"),
        DataFlowFactory(source=sheet, target=store, what="Sessions", frequency="weekly"),
        DataFlowFactory(source=school_sys, target=store, what="Library loans", frequency="monthly"),
    ]
    return {"orgs": [hub, district, *schools, ngo], "flows": flows, "schools": schools}


def test_map_requires_sign_in(client: Any) -> None:
    assert client.get(reverse("ecosystem:map")).status_code == 302


def test_ecosystem_root_is_the_map() -> None:
    assert reverse("ecosystem:map") == "/ecosystem/"


def test_map_page_draws_every_organization_and_lists_every_flow(member_client: Any) -> None:
    world = small_ecosystem()
    response = member_client.get(reverse("ecosystem:map"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="group"' in svg and 'role="img"' not in svg and "<title" in svg and "<desc" in svg
    assert 'aria-labelledby="ecomap-title ecomap-desc"' in svg
    table = html[html.index('class="flow-table"') :]
    for org in world["orgs"]:
        assert f'href="{org.get_absolute_url()}"' in html
    # Schools are folded into the district card: their cards are not drawn, but the count is.
    for school in world["schools"]:
        assert f'href="{school.get_absolute_url()}"' not in svg
    assert "3 schools" in svg
    for flow in world["flows"]:
        assert flow.what in table
        assert f'href="{flow.get_absolute_url()}"' in table
    assert "Legend" in html and "School district" in html
    assert html.count("<h1") == 1


def test_map_can_show_every_school(member_client: Any) -> None:
    world = small_ecosystem()
    html = member_client.get(reverse("ecosystem:map") + "?schools=all").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    for org in world["orgs"]:
        assert f'href="{org.get_absolute_url()}"' in svg


def test_school_flows_are_drawn_from_the_district(db: None) -> None:
    small_ecosystem()
    result = build_map()
    labels = sorted(edge.edge.label for edge in result.layout.edges)
    assert labels == ["Daily", "Monthly", "Weekly"]
    assert any(edge.edge.source.startswith("org-") for edge in result.layout.edges)


def test_map_svg_numbers_are_not_localized(member_client: Any) -> None:
    small_ecosystem()
    html = member_client.get(reverse("ecosystem:map"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg)


def test_empty_registry_still_renders(member_client: Any) -> None:
    html = member_client.get(reverse("ecosystem:map")).content.decode()
    assert "No data flows recorded yet." in html
