"""The neighbourhood map: boundaries read and validated, and the choropleth SVG (every neighbourhood, a legend,
a hatch for suppressed areas, never a colour for them; title, description and role for assistive technology)."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from commonground.demo.generator.community import NEIGHBORHOODS, SCHOOLS
from commonground.questions.dashboards import (
    DEMO_BOUNDARIES,
    BoundaryError,
    Cell,
    choropleth,
    load_boundaries,
    parse_boundaries,
)
from commonground.questions.dashboards.derived import regroup
from commonground.questions.dashboards.mapsvg import PALETTE, classes
from tests.questions.dashboard_fixtures import MEASURE

SVG = "{http://www.w3.org/2000/svg}"
SQUARE = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]


def _hood(name: str, value: float | None) -> Cell:
    if value is None:
        return Cell({"neighborhood": name}, "chronic_absence", None, None, None, True)
    return Cell({"neighborhood": name}, "chronic_absence", value * 100, 100.0, value, False)


def _inside(lon: float, lat: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def test_the_demo_boundaries_name_every_neighbourhood_of_the_generator() -> None:
    areas = load_boundaries(DEMO_BOUNDARIES)
    assert sorted(a.name for a in areas) == sorted(n.name for n in NEIGHBORHOODS)
    by_name = {a.name: a.polygons[0][0] for a in areas}
    for hood in NEIGHBORHOODS:  # each neighbourhood's centre lies in its own area
        assert _inside(hood.longitude, hood.latitude, by_name[hood.name])
    for school in SCHOOLS:  # and each school in its neighbourhood
        assert _inside(school.longitude, school.latitude, by_name[school.neighborhood]), school.name


def test_the_map_draws_every_neighbourhood_a_legend_and_hatches_the_suppressed() -> None:
    areas = load_boundaries(DEMO_BOUNDARIES)
    values = {"Riverside": 0.2, "Oak Hill": None, "Millbrook": 0.2857, "East Bluff": 0.3125, "Cedar Park": 0.12,
              "Unknown": None}  # fmt: skip
    drawing = choropleth(
        areas, [_hood(k, v) for k, v in values.items()], MEASURE, "Chronic absence", id_prefix="m1"
    )
    svg = drawing.svg
    root = ET.fromstring(svg)  # noqa: S314 - SVG built here; parsing proves it well-formed
    assert root.get("role") == "img" and root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{SVG}title").text == "Chronic absence"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    for hood in NEIGHBORHOODS:
        assert hood.name in desc
    assert (
        "Oak Hill: suppressed" in desc and "Northgate: no data" in desc and "Unknown (not on the map)" in desc
    )
    paths = root.findall(f"{SVG}g/{SVG}path")
    assert len(paths) == len(NEIGHBORHOODS)
    fills = {p.find(f"{SVG}title").text.split(":")[0]: p.get("fill") for p in paths}  # type: ignore[union-attr]
    assert fills["Oak Hill"] == "url(#m1-hatch)"  # hatched, not coloured as a value
    assert root.find(f".//{SVG}pattern[@id='m1-hatch']") is not None
    assert fills["Cedar Park"] == PALETTE[0] and fills["East Bluff"] == PALETTE[-1]
    assert fills["Northgate"] not in PALETTE and fills["Northgate"] != "url(#m1-hatch)"
    legend = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Legend: Chronically absent students" in legend
    assert "12.0% to" in legend and "to 31.2%" in legend
    assert "suppressed (too few students to publish)" in legend and "no data in this release" in legend
    assert not re.search(r"(?<![\d.])0(\.0)?%", svg)  # a hidden neighbourhood never reads as zero
    assert "style=" not in svg and "<script" not in svg  # the strict CSP allows presentation attributes only
    assert drawing.not_on_map == ["Unknown"] and drawing.no_data == ["Northgate"]


def test_map_text_is_escaped() -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "<b>&Co"}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    ]}  # fmt: skip
    svg = choropleth(parse_boundaries(json.dumps(doc)), [_hood("<b>&Co", 0.5)], MEASURE, "<T>").svg
    assert "<b>" not in svg and "&lt;b&gt;&amp;Co" in svg and '<title id="map-title">&lt;T&gt;</title>' in svg
    ET.fromstring(svg)  # noqa: S314 - SVG built here


def test_classes_are_equal_intervals_with_fewer_for_few_values() -> None:
    assert classes([]) == []
    assert classes([0.3, 0.3]) == [(0.3, 0.3)]
    assert len(classes([0.1, 0.2, 0.3, 0.4, 0.5])) == 4
    assert classes([0.1, 0.5]) == [(0.1, pytest.approx(0.3)), (pytest.approx(0.3), 0.5)]


def _feature(geometry: object, props: object = None) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": props if props is not None else {"name": "A"},
        "geometry": geometry,
    }


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("{not json", "is not valid JSON: Expecting property name"),
        (json.dumps({"type": "Feature"}), "must be a GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "has no features"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Polygon", "coordinates": [SQUARE]}, {})]}),
         "feature 1: no 'name' property"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Point", "coordinates": [0, 0]})]}),
         "geometry type 'Point' cannot be drawn as an area"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Polygon", "coordinates": [SQUARE[:-1]]})]}),
         "the ring is not closed"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]})]}),
         "a ring needs at least four positions"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1], [0, 0]]]})]}),
         "a position must hold two numbers"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Polygon", "coordinates": [[[4e6, 5e6], [4e6, 5.1e6], [4.1e6, 5e6], [4e6, 5e6]]]})]}),
         "is not a longitude/latitude pair"),
        (json.dumps({"type": "FeatureCollection", "features": [_feature({"type": "Polygon", "coordinates": [SQUARE]}),
                                                               _feature({"type": "Polygon", "coordinates": [SQUARE]})]}),
         "the neighbourhood 'A' appears twice"),
    ],
)  # fmt: skip
def test_a_malformed_boundaries_file_gives_a_clear_error(tmp_path: Path, doc: str, message: str) -> None:
    path = tmp_path / "boundaries.geojson"
    path.write_text(doc, encoding="utf-8")
    with pytest.raises(BoundaryError) as err:
        load_boundaries(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)  # names the file


def test_missing_and_multipolygon_boundaries(tmp_path: Path) -> None:
    with pytest.raises(BoundaryError, match="does not exist"):
        load_boundaries(tmp_path / "none.geojson")
    other = [[[2, 0], [3, 0], [3, 1], [2, 0]]]
    doc = {
        "type": "FeatureCollection",
        "features": [_feature({"type": "MultiPolygon", "coordinates": [[SQUARE], other]})],
    }
    (area,) = parse_boundaries(json.dumps(doc))
    assert len(area.polygons) == 2
    svg = choropleth([area], [_hood("A", 0.4)], MEASURE, "t").svg
    assert len(re.findall(r"M[\d.]+,[\d.]+", svg)) == 2  # both parts drawn in one path


def test_neighbourhoods_from_school_figures_add_only_published_numbers() -> None:
    def school(sid: str, num: float | None, den: float | None) -> Cell:
        hidden = num is None
        return Cell({"school": sid}, "m", num, den, None if hidden else (num or 0) / (den or 1), hidden)

    cells = [
        school("1", 12, 30),
        school("2", 10, 20),
        school("3", 11, 15),
        school("4", None, None),
        school("5", 4, 40),
    ]
    groups = {"1": "Riverside", "2": "Riverside", "3": "Millbrook", "4": "Millbrook"}
    derived, unplaced = regroup(cells, "school", groups, "neighborhood")
    by_name = {c.dims["neighborhood"]: c for c in derived}
    assert (by_name["Riverside"].numerator, by_name["Riverside"].denominator) == (22, 50)
    assert by_name["Riverside"].value == pytest.approx(0.44)
    hidden = by_name["Millbrook"]  # one school hidden: the sum is unknown, never the sum of the rest
    assert hidden.suppressed and hidden.numerator is None and hidden.value is None
    assert unplaced == ["5"]


def test_a_map_with_every_neighbourhood_suppressed_has_no_colour_classes() -> None:
    areas = load_boundaries(DEMO_BOUNDARIES)
    svg = choropleth(areas, [_hood(n.name, None) for n in NEIGHBORHOODS], MEASURE, "t").svg
    assert svg.count('fill="url(#map-hatch)"') == len(NEIGHBORHOODS) + 1  # every area and the legend's swatch
    assert not any(colour in svg for colour in PALETTE) and "%" not in svg
