"""The neighbourhood map: a choropleth drawn as server-side SVG from bundled boundaries (no tiles, no script).

Accessible by construction: ``role="img"`` with a ``<title>`` and a ``<desc>`` that lists every neighbourhood's
value, a legend inside the drawing, and the page's table beside it. A suppressed neighbourhood is hatched and
labelled "suppressed" — never coloured as if it were a low number; one absent from the release reads "no data".
Only SVG presentation attributes are used (no ``style``), so the strict Content-Security-Policy allows it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from .boundaries import Area, Ring
from .cells import Cell, MeasureInfo
from .labels import SUPPRESSED, format_value

#: ColorBrewer "Blues" (sequential, colour-blind safe), light to dark.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#084594")
NO_DATA_FILL = "#f2f2f2"
INK = "#1b1f24"
HATCH_INK = "#4a5560"
WIDTH = 560
PAD = 12
LEGEND_ROW = 22


@dataclass
class MapDrawing:
    """The SVG and what did not fit: release values with no boundary, boundaries with no value."""

    svg: str
    not_on_map: list[str] = field(default_factory=list)
    no_data: list[str] = field(default_factory=list)


def _projector(
    areas: Sequence[Area], width: float
) -> tuple[Callable[[float, float], tuple[float, float]], float]:
    """Equirectangular projection scaled by cos(latitude) and fitted to ``width``; returns it and the height."""
    points = [p for a in areas for poly in a.polygons for ring in poly for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * k, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = (width - 2 * PAD) / span_x
    height = span_y * scale + 2 * PAD
    west, north = min(lons), max(lats)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon - west) * k * scale, PAD + (north - lat) * scale

    return project, height


def _path(polygons: Sequence[Sequence[Ring]], project: Callable[[float, float], tuple[float, float]]) -> str:
    parts = []
    for poly in polygons:
        for ring in poly:
            xy = [project(lon, lat) for lon, lat in ring[:-1]]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + " Z")
    return " ".join(parts)


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """Area-weighted centroid of a projected ring (its vertices' mean when it has no area)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * a), cy / (3 * a)


def _label_point(area: Area, project: Callable[[float, float], tuple[float, float]]) -> tuple[float, float]:
    rings = [[project(lon, lat) for lon, lat in poly[0][:-1]] for poly in area.polygons]

    def size(r: list[tuple[float, float]]) -> float:
        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1], strict=True)))

    return _centroid(max(rings, key=size))


def classes(values: Sequence[float], k: int = 4) -> list[tuple[float, float]]:
    """Equal-interval classes over the published values (fewer when there are fewer distinct values).

    Example:
        >>> classes([0.1, 0.2, 0.3, 0.5], 2)
        [(0.1, 0.3), (0.3, 0.5)]
    """
    if not values:
        return []
    low, high = min(values), max(values)
    k = max(1, min(k, len(set(values)), len(PALETTE)))
    if high == low:
        return [(low, high)]
    step = (high - low) / k
    return [(low + i * step, high if i == k - 1 else low + (i + 1) * step) for i in range(k)]


def _class_of(value: float, bins: Sequence[tuple[float, float]]) -> int:
    for i, (_, high) in enumerate(bins):
        if value <= high + 1e-12:
            return i
    return len(bins) - 1


def _palette(n: int) -> tuple[str, ...]:
    # Spread n classes over the palette so two classes never share a colour and the darkest is used.
    if n <= 0:
        return ()
    if n == 1:
        return (PALETTE[2],)
    return tuple(PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n))


#: Fills dark enough that labels on them are white (with a dark halo) rather than dark (with a white halo).
DARK_FILLS = frozenset(PALETTE[3:])


def _label(x: float, y: float, text: str, fill: str, size: int = 11, weight: str = "normal") -> str:
    # A halo under the text keeps every label readable on its fill, the hatch included.
    ink, halo = ("#ffffff", "#08306b") if fill in DARK_FILLS else (INK, "#ffffff")
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="middle" '
        f'fill="{ink}" stroke="{halo}" stroke-width="3" paint-order="stroke">{escape(text)}</text>'
    )


def choropleth(
    areas: Sequence[Area],
    cells: Sequence[Cell],
    measure: MeasureInfo,
    title: str,
    *,
    dim: str = "neighborhood",
    id_prefix: str = "map",
) -> MapDrawing:
    """Draw ``cells`` (one per neighbourhood, ``dims[dim]`` its name) on ``areas`` as a titled, described SVG.

    ``id_prefix`` keeps the hatch pattern's and title's ids unique when a page holds more than one map.
    """
    if not areas:
        raise ValueError("no boundaries to draw")
    by_name = {c.dims[dim]: c for c in cells}
    names = {a.name for a in areas}
    published = [c.value for c in by_name.values() if not c.suppressed and c.value is not None]
    bins = classes(published)
    fills = _palette(len(bins))
    project, map_height = _projector(areas, WIDTH)
    legend_rows = len(bins) + 1 + (1 if any(a.name not in by_name for a in areas) else 0)
    height = map_height + 16 + legend_rows * LEGEND_ROW + 8
    hatch = f"{id_prefix}-hatch"
    shapes, labels, said = [], [], []
    for area in areas:
        cell = by_name.get(area.name)
        if cell is None:
            fill, text = NO_DATA_FILL, "no data"
        elif cell.suppressed:
            fill, text = f"url(#{hatch})", SUPPRESSED
        elif cell.value is None:
            fill, text = NO_DATA_FILL, "no students"
        else:
            fill, text = fills[_class_of(cell.value, bins)], format_value(cell.value, measure.proportion)
        shapes.append(
            f'<path d="{_path(area.polygons, project)}" fill="{fill}" stroke="{INK}" stroke-width="1" '
            f'fill-rule="evenodd"><title>{escape(area.name)}: {escape(text)}</title></path>'
        )
        x, y = _label_point(area, project)
        labels.append(_label(x, y - 2, area.name, fill, 11, "bold") + _label(x, y + 12, text, fill))
        said.append(f"{area.name}: {text}")
    not_on_map = sorted(n for n in by_name if n not in names)
    for name in not_on_map:
        said.append(f"{name} (not on the map): {by_name[name].value_text(measure.proportion)}")
    legend = _legend(bins, fills, measure, hatch, map_height + 16, any(a.name not in by_name for a in areas))
    desc = f"Choropleth map of {measure.label.lower()} by neighbourhood. " + "; ".join(said) + "."
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" font-family="system-ui, sans-serif" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="map">'
        f'<title id="{id_prefix}-title">{escape(title)}</title><desc id="{id_prefix}-desc">{escape(desc)}</desc>'
        f'<defs><pattern id="{hatch}" patternUnits="userSpaceOnUse" width="8" height="8" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{HATCH_INK}" stroke-width="3"/></pattern></defs>'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>'
        f"<g>{''.join(shapes)}</g><g>{''.join(labels)}</g>{legend}</svg>"
    )
    return MapDrawing(svg, not_on_map, sorted(n for n in names if n not in by_name))


def _legend(
    bins: Sequence[tuple[float, float]],
    fills: Sequence[str],
    measure: MeasureInfo,
    hatch: str,
    top: float,
    no_data: bool,
) -> str:
    rows: list[tuple[str, str]] = [
        (fill, f"{format_value(low, measure.proportion)} to {format_value(high, measure.proportion)}")
        for (low, high), fill in zip(bins, fills, strict=True)
    ]
    rows.append((f"url(#{hatch})", "suppressed (too few students to publish)"))
    if no_data:
        rows.append((NO_DATA_FILL, "no data in this release"))
    out = [
        f'<g class="legend"><text x="{PAD}" y="{top:.0f}" font-size="12" font-weight="bold" fill="{INK}">'
        f"Legend: {escape(measure.label)}</text>"
    ]
    for i, (fill, text) in enumerate(rows):
        y = top + 8 + i * LEGEND_ROW
        out.append(
            f'<rect x="{PAD}" y="{y:.0f}" width="24" height="14" fill="{fill}" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{PAD + 32}" y="{y + 11:.0f}" font-size="12" fill="{INK}">{escape(text)}</text>'
        )
    out.append("</g>")
    return "".join(out)
