"""Neighbourhood boundaries from GeoJSON: one feature per neighbourhood, its name in a property.

The demo city's boundaries are bundled (``commonground/demo/boundaries/harbor-falls.geojson``); a real hub
points ``COMMONGROUND_BOUNDARIES`` at its own file or puts it at ``<hub home>/boundaries.geojson``. Every problem
is reported with the file and the feature it is in, so an operator can fix the file rather than guess.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BoundaryError

#: Where the demo community's boundaries live (inside the package, so they ship with it).
DEMO_BOUNDARIES = (
    Path(__file__).resolve().parent.parent.parent / "demo" / "boundaries" / "harbor-falls.geojson"
)
NAME_PROPERTY = "name"
MAX_BYTES = 20 * 1024 * 1024  # a city's neighbourhoods are kilobytes; a bigger file is the wrong file

Ring = list[tuple[float, float]]  # (longitude, latitude) pairs, first == last
Polygon = list[Ring]  # outer ring, then holes


@dataclass(frozen=True)
class Area:
    """One neighbourhood: its name and its polygons (each an outer ring and any holes)."""

    name: str
    polygons: tuple[Polygon, ...]


def _position(raw: Any, where: str) -> tuple[float, float]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise BoundaryError(f"{where}: a position must be [longitude, latitude], got {raw!r}")
    lon, lat = raw[0], raw[1]
    if (
        isinstance(lon, bool)
        or isinstance(lat, bool)
        or not isinstance(lon, int | float)
        or not isinstance(lat, int | float)
    ):
        raise BoundaryError(f"{where}: a position must hold two numbers, got {raw!r}")
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise BoundaryError(
            f"{where}: [{lon}, {lat}] is not a longitude/latitude pair (GeoJSON uses WGS 84 degrees, longitude first)"
        )
    return float(lon), float(lat)


def _ring(raw: Any, where: str) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise BoundaryError(f"{where}: a ring needs at least four positions (closed: first equals last)")
    ring = [_position(p, where) for p in raw]
    if ring[0] != ring[-1]:
        raise BoundaryError(f"{where}: the ring is not closed (its first and last positions differ)")
    return ring


def _polygon(raw: Any, where: str) -> Polygon:
    if not isinstance(raw, list) or not raw:
        raise BoundaryError(f"{where}: a Polygon's coordinates must be a list of rings")
    return [_ring(r, f"{where}, ring {i + 1}") for i, r in enumerate(raw)]


def _geometry(geometry: Any, where: str) -> tuple[Polygon, ...]:
    if not isinstance(geometry, dict):
        raise BoundaryError(f"{where}: the feature has no geometry")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return (_polygon(coords, where),)
    if kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise BoundaryError(f"{where}: a MultiPolygon's coordinates must be a list of polygons")
        return tuple(_polygon(p, f"{where}, polygon {i + 1}") for i, p in enumerate(coords))
    raise BoundaryError(
        f"{where}: geometry type {kind!r} cannot be drawn as an area; use Polygon or MultiPolygon"
    )


def parse_boundaries(text: str, source: str = "boundaries", name_property: str = NAME_PROPERTY) -> list[Area]:
    """The areas of a GeoJSON FeatureCollection, validated (``source`` names the file in errors).

    Example:
        >>> ring = [[0, 0], [1, 0], [1, 1], [0, 0]]
        >>> doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "A"},
        ...        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
        >>> [a.name for a in parse_boundaries(json.dumps(doc))]
        ['A']
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise BoundaryError(
            f"{source} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryError(f'{source} must be a GeoJSON FeatureCollection (its top-level "type")')
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError(f"{source} has no features: add one Polygon feature per neighbourhood")
    areas: list[Area] = []
    seen: set[str] = set()
    for i, feature in enumerate(features, start=1):
        where = f"{source}, feature {i}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        name = props.get(name_property) if isinstance(props, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise BoundaryError(f"{where}: no {name_property!r} property naming the neighbourhood")
        name = name.strip()
        if name in seen:
            raise BoundaryError(
                f"{where}: the neighbourhood {name!r} appears twice; merge it into one MultiPolygon"
            )
        seen.add(name)
        areas.append(Area(name, _geometry(feature.get("geometry"), f"{where} ({name})")))
    return areas


def load_boundaries(path: Path | str, name_property: str = NAME_PROPERTY) -> list[Area]:
    """Read and validate a boundaries file (``BoundaryError`` names the file and what is wrong)."""
    file = Path(path)
    if not file.is_file():
        raise BoundaryError(f"the boundaries file {file} does not exist")
    if file.stat().st_size > MAX_BYTES:
        raise BoundaryError(
            f"the boundaries file {file} is over {MAX_BYTES // (1024 * 1024)} MB; simplify it first"
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BoundaryError(f"the boundaries file {file} is not UTF-8 text") from None
    return parse_boundaries(text, str(file), name_property)
