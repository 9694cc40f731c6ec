"""Which children each community partner serves, and their records as the partner knows them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from .community import GRADES, NEIGHBORHOOD_INDEX, NEIGHBORHOODS, SCHOOLS
from .config import stream
from .students import People, StudentChunk, make_people

#: Share of district students each partner serves.
REACH = {"afterschool": 0.12, "mentoring": 0.05, "clinic": 0.15, "housing": 0.04}
OUTSIDE_SHARE = 0.03  # of each partner's participants: children not enrolled in the district
OUTSIDE_SCHOOLS = ("St. Brendan Catholic School", "Harbor Christian Academy", "Port Alder Elementary School",
                   "Port Alder Middle School", "Home school", "Quad River Academy (charter)")  # fmt: skip
_SITE_HOODS = {
    "afterschool": "East Bluff",
    "mentoring": "Millbrook",
    "clinic": "Riverside",
    "housing": "Northgate",
}


@dataclass
class Outsiders:
    """Children who are not in the district roster, with the partners that serve each of them."""

    people: People
    true_ids: list[str]
    school: list[str]
    partners: dict[str, np.ndarray]  # partner key -> indices into people


def make_outsiders(seed: int, n_students: int, year: int) -> Outsiders:
    """Private-school, home-schooled and out-of-district children; some are served by two partners."""
    rng = stream(seed, "outsiders")
    want = {k: int(np.ceil(OUTSIDE_SHARE / (1 - OUTSIDE_SHARE) * r * n_students)) for k, r in REACH.items()}
    pool = max(max(want.values()), int(np.ceil(sum(want.values()) * 0.8)))
    people = make_people(rng, pool, 10**9, year)
    school = [OUTSIDE_SCHOOLS[i] for i in rng.integers(0, len(OUTSIDE_SCHOOLS), pool)]
    chosen = {k: np.sort(rng.choice(pool, size=v, replace=False)) for k, v in want.items()}
    return Outsiders(people, [f"Q{i:07d}" for i in range(pool)], school, chosen)


def select_participants(seed: int, st: StudentChunk) -> dict[str, np.ndarray]:
    """Rows of the chunk's students whom each partner serves (program reach depends on grade, need, place)."""
    rng = stream(seed, "participants", st.chunk)
    need = np.array([nb.need for nb in NEIGHBORHOODS])[st.neighborhood]
    out: dict[str, np.ndarray] = {}
    for key, reach in REACH.items():
        near = st.neighborhood == NEIGHBORHOOD_INDEX[_SITE_HOODS[key]]
        f = np.where(near, 1.4, 0.92) * (0.6 + 0.8 * need)
        if key == "afterschool":
            f *= np.where(st.grade <= 5, 1.35, np.where(st.grade <= 8, 1.15, 0.25))
        elif key == "mentoring":
            f *= np.where(st.grade >= 3, 1.1, 0.0) * np.where(st.chronic_type, 2.0, 0.75)
        elif key == "housing":
            hh_u = stream(seed, "housing-households", st.chunk).random(st.n)  # one draw per household
            first = np.r_[True, st.household[1:] != st.household[:-1]]
            u = np.maximum.accumulate(np.where(first, np.arange(st.n), 0))
            out[key] = np.nonzero(hh_u[u] < reach * f[u] / 0.93)[0]
            continue
        out[key] = np.nonzero(rng.random(st.n) < reach * f / max(float(f.mean()), 1e-9))[0]
    return out


def person_records(
    p: People, rows: np.ndarray, true_ids: list[str], school: list[str]
) -> list[dict[str, Any]]:
    """Plain records (true values) for the given rows of ``p``."""
    zips = [nb.zip_code for nb in NEIGHBORHOODS]
    births = p.birth[rows].astype(object)
    recs = []
    for k, r in enumerate(rows):
        r = int(r)
        recs.append({
            "true_id": true_ids[r], "first": p.first[r], "middle": p.middle[r], "last": p.last[r],
            "birth": births[k] if isinstance(births[k], dt.date) else None, "sex": int(p.sex[r]),
            "grade": GRADES[int(p.grade[r])], "school": school[r], "address": f"{p.house[r]} {p.street[r]}",
            "zip": zips[int(p.neighborhood[r])], "phone": p.phone[r], "guardian": p.guardian[r],
            "household": int(p.household[r]),
        })  # fmt: skip
    return recs


def chunk_records(st: StudentChunk, rows: np.ndarray, ids: list[str]) -> list[dict[str, Any]]:
    """Partner-side records for district students (school = the school attended at the end)."""
    cur = np.where(st.school2 >= 0, st.school2, st.school1)
    names = [SCHOOLS[int(s)].name for s in cur]
    return person_records(st, rows, ids, names)


def moved_address(rng: np.random.Generator) -> tuple[str, str]:
    """A different address in the city (where the family lived before, or moved to)."""
    nb = NEIGHBORHOODS[int(rng.integers(0, len(NEIGHBORHOODS)))]
    return f"{int(rng.integers(100, 4900))} {nb.streets[int(rng.integers(0, len(nb.streets)))]}", nb.zip_code
