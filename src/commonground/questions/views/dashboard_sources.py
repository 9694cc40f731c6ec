"""Where the dashboard's words and shapes come from besides the release: school names and neighbourhoods from
the ecosystem registry, and the neighbourhood boundaries file (``COMMONGROUND_BOUNDARIES``)."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

from commonground.ecosystem.models import Organization
from commonground.questions import dashboards as dash


def boundaries_path() -> Path:
    """The boundaries file: ``COMMONGROUND_BOUNDARIES``, else ``<hub home>/boundaries.geojson``, else the demo's."""
    configured = str(getattr(settings, "COMMONGROUND_BOUNDARIES", "") or "")
    if configured:
        return Path(configured).expanduser()
    at_home = Path(settings.COMMONGROUND_HOME) / "boundaries.geojson"
    return at_home if at_home.is_file() else dash.DEMO_BOUNDARIES


@functools.lru_cache(maxsize=4)
def _areas(path: str, modified: float) -> tuple[dash.Area, ...]:
    # Keyed by modification time, so a replaced file is read again without a restart.
    return tuple(dash.load_boundaries(path))


def neighbourhood_areas() -> tuple[dash.Area, ...]:
    """The validated boundaries (``BoundaryError`` says which file and what is wrong)."""
    path = boundaries_path()
    if not path.is_file():
        raise dash.BoundaryError(f"the boundaries file {path} does not exist (COMMONGROUND_BOUNDARIES)")
    return _areas(str(path), path.stat().st_mtime)


def value_names() -> dict[str, dict[str, str]]:
    """Names for dimension values the release stores as ids: schools by the id districts use for them."""
    schools = Organization.objects.filter(kind="school").exclude(external_id="")
    return {"school": dict(schools.values_list("external_id", "name"))}


def school_neighbourhoods() -> dict[str, str]:
    """The neighbourhood the ecosystem registry records for each school, by the id districts use for it."""
    schools = Organization.objects.filter(kind="school").exclude(external_id="").exclude(neighborhood="")
    return dict(schools.values_list("external_id", "neighborhood"))


#: Said under a map drawn from school figures, so nobody takes it for a neighbourhood breakdown of the release.
FROM_SCHOOLS = (
    "This release is broken down by school, not by neighbourhood: each neighbourhood's figure is the sum of its "
    "schools' published figures (each school placed in the neighbourhood the hub's registry records for it). A "
    "neighbourhood with a suppressed school is shown as suppressed."
)
