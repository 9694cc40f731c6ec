"""Children of the community: households, names, demographics, grades, birth dates, schools and enrollment spells.

Everything is vectorized over one chunk of students; households never span chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .community import (
    LEVEL_GRADES,
    NEIGHBORHOODS,
    SCHOOLS,
    SCHOOLS_BY_LEVEL,
    target_chronic_absence,
    zone_table,
)
from .config import CHUNK_STUDENTS, stream
from .names import name_bank

# Race/ethnicity mix of a mid-size Midwestern district: white, Black, Hispanic, Asian, two or more, AIAN, NHPI.
_RACE_P = np.array([0.47, 0.17, 0.22, 0.05, 0.08, 0.006, 0.004])
_GRADE_W = np.array([1.0, 1.0, 1.0, 0.99, 0.99, 0.98, 0.98, 0.97, 0.97, 0.98, 0.95, 0.91, 0.88])
_HOUSEHOLD_SIZE_P = np.array([0.38, 0.37, 0.18, 0.07])  # school-age children per household
TWIN_HOUSEHOLD_RATE = 0.032  # of households with 2+ children: gives ~2% of students who are twins
CHOICE_RATE = 0.05  # students attending a school outside their zone


@dataclass
class People:
    """Children with names, demographics, household and address (no school yet)."""

    n: int
    household: np.ndarray  # int64, global household number
    position: np.ndarray  # int8, order of the child within the household
    twin: np.ndarray  # bool
    first: np.ndarray  # object
    middle: np.ndarray  # object ('' when none)
    last: np.ndarray  # object
    sex: np.ndarray  # int8: 0 female, 1 male, 2 other, 3 not given
    grade: np.ndarray  # int8: 0 = KG .. 12
    birth: np.ndarray  # datetime64[D]
    hispanic: np.ndarray  # bool
    race: np.ndarray  # (n, 5) bool: AIAN, Asian, Black, NHPI, white
    neighborhood: np.ndarray  # int8
    house: np.ndarray  # int32 house number
    street: np.ndarray  # object
    phone: np.ndarray  # object
    guardian: np.ndarray  # object: guardian's full name


@dataclass(kw_only=True)
class StudentChunk(People):
    """District students of one chunk: people plus schools, enrollment spells and absence propensity."""

    chunk: int
    start: int  # global ordinal of the first student of the chunk
    school1: np.ndarray  # int8
    entry1: np.ndarray  # int16 index of the first instructional day enrolled
    exit1: np.ndarray  # int16 exclusive end index
    school2: np.ndarray  # int8, -1 when no second school this year
    entry2: np.ndarray
    exit2: np.ndarray
    chronic_type: np.ndarray  # bool
    p_absent: np.ndarray  # float32 daily absence propensity
    p_tardy: np.ndarray  # float32
    ability: np.ndarray  # float32 latent achievement

    @property
    def ordinals(self) -> np.ndarray:
        """Global student numbers (0-based) of the chunk."""
        return np.arange(self.start, self.start + self.n, dtype=np.int64)

    def sourced_ids(self) -> list[str]:
        """OneRoster sourcedId / Ed-Fi StudentUniqueId of each student."""
        return [str(7_000_001 + int(k)) for k in self.ordinals]

    def true_ids(self) -> list[str]:
        """Ground-truth person ids of the students."""
        return [f"P{int(k):07d}" for k in self.ordinals]


def make_people(rng: np.random.Generator, n: int, household_base: int, school_year_start: int) -> People:
    """Draw ``n`` children in households: siblings share surname and address, twins share a birth date."""
    bank = name_bank()
    hs = rng.choice(4, size=n, p=_HOUSEHOLD_SIZE_P) + 1
    cs = np.cumsum(hs)
    n_hh = int(np.searchsorted(cs, n)) + 1
    hs = hs[:n_hh].copy()
    hs[-1] -= int(cs[n_hh - 1]) - n
    hh = np.repeat(np.arange(n_hh), hs)
    pos = (np.arange(n) - np.repeat(np.cumsum(hs) - hs, hs)).astype(np.int8)

    # household-level draws
    race_cat = rng.choice(_RACE_P.size, size=n_hh, p=_RACE_P / _RACE_P.sum())
    group = np.where(race_cat == 2, 1, np.where(race_cat == 3, 2, 0))
    sur = bank.surnames(rng, group)
    second = bank.surnames(rng, group)
    two_part = (group == 1) & (rng.random(n_hh) < 0.35)
    hyphen = (group != 1) & (rng.random(n_hh) < 0.03)
    sur = np.where(two_part, sur + " " + second, np.where(hyphen, sur + "-" + second, sur))
    w = np.array([nb.weight for nb in NEIGHBORHOODS])
    nb = rng.choice(len(NEIGHBORHOODS), size=n_hh, p=w / w.sum()).astype(np.int8)
    street_pick = rng.integers(0, 1000, n_hh)
    streets = np.array(
        [
            NEIGHBORHOODS[i].streets[s % len(NEIGHBORHOODS[i].streets)]
            for i, s in zip(nb, street_pick, strict=True)
        ],
        dtype=object,
    )
    house = rng.integers(100, 4900, n_hh).astype(np.int32)
    phone = np.array(
        [
            f"(309) {a:03d} {b:04d}"
            for a, b in zip(rng.integers(200, 999, n_hh), rng.integers(0, 9999, n_hh), strict=True)
        ],
        dtype=object,
    )
    twin_hh = (hs >= 2) & (rng.random(n_hh) < TWIN_HOUSEHOLD_RATE)
    g_sex = rng.choice(2, size=n_hh, p=[0.68, 0.32])
    g_first = bank.first_names(rng, g_sex, group == 1)
    guardian = g_first + " " + np.array([s.split(" ")[0].split("-")[0] for s in sur], dtype=object)

    # child-level draws
    sex = rng.choice(4, size=n, p=[0.488, 0.497, 0.008, 0.007]).astype(np.int8)
    twin = twin_hh[hh] & (pos <= 1)
    grade = rng.choice(13, size=n, p=_GRADE_W / _GRADE_W.sum()).astype(np.int8)
    gap = rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.4, 0.2, 0.1]).astype(np.int8)
    for p in range(1, 4):
        idx = np.nonzero(pos == p)[0]
        prev = grade[idx - 1]
        down = prev - gap[idx]
        up = prev + gap[idx]
        grade[idx] = np.where(down >= 0, down, np.where(up <= 12, up, grade[idx]))
    t1 = np.nonzero(twin & (pos == 1))[0]
    grade[t1] = grade[t1 - 1]
    retained = rng.random(n) < 0.025
    birth_year = school_year_start - 6 - grade.astype(np.int64) - retained
    window_start = (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + np.timedelta64(
        244, "D"
    )
    leap = ((birth_year % 4 == 0) & (birth_year % 100 != 0)) | (birth_year % 400 == 0)
    window_start = window_start + leap.astype("timedelta64[D]")  # Sept 2 of the birth year
    birth = window_start + rng.integers(0, 365, n).astype("timedelta64[D]")
    retained[t1] = retained[t1 - 1]
    birth[t1] = birth[t1 - 1]

    hisp = race_cat[hh] == 2
    first = bank.first_names(rng, sex, hisp)
    dup = np.nonzero(twin & (pos == 1) & (first == np.roll(first, 1)))[0]
    first[dup] = bank.first_names(rng, sex[dup], hisp[dup])  # twins never share a first name
    middle = np.where(rng.random(n) < 0.62, bank.first_names(rng, sex, hisp), "")
    last = sur[hh]
    blended = (pos >= 1) & ~twin & (rng.random(n) < 0.08)
    last = np.where(blended, bank.surnames(rng, group[hh]), last)

    race = np.zeros((n, 5), dtype=bool)  # AIAN, Asian, Black, NHPI, white
    rc = race_cat[hh]
    race[:, 4] = (rc == 0) | ((rc == 2) & (rng.random(n) < 0.8))
    race[:, 2] = rc == 1
    race[:, 1] = rc == 3
    race[:, 0] = (rc == 5) | ((rc == 2) & (rng.random(n) < 0.05))
    race[:, 3] = rc == 6
    multi = np.nonzero(rc == 4)[0]
    pair = rng.choice([(4, 2), (4, 1), (4, 0), (2, 0)], size=multi.size, p=[0.6, 0.2, 0.15, 0.05])
    race[multi, pair[:, 0]] = True
    race[multi, pair[:, 1]] = True
    return People(
        n, household_base + hh.astype(np.int64), pos, twin, first, middle.astype(object), last, sex, grade, birth,
        hisp, race, nb[hh], house[hh], streets[hh], phone[hh], guardian[hh],
    )  # fmt: skip


def _assign_schools(rng: np.random.Generator, p: People) -> np.ndarray:
    zones = zone_table()
    school = np.full(p.n, -1, dtype=np.int8)
    for level, grades in LEVEL_GRADES.items():
        in_level = np.isin(p.grade, list(grades))
        for nb_i, options in enumerate(zones[level]):
            idx = np.nonzero(in_level & (p.neighborhood == nb_i))[0]
            shares = np.array([s for _, s in options])
            school[idx] = np.array([i for i, _ in options])[
                rng.choice(len(options), idx.size, p=shares / shares.sum())
            ]
        idx = np.nonzero(in_level & (rng.random(p.n) < CHOICE_RATE))[0]
        school[idx] = np.array(SCHOOLS_BY_LEVEL[level])[
            rng.integers(0, len(SCHOOLS_BY_LEVEL[level]), idx.size)
        ]
    return school


def generate_students(seed: int, chunk: int, n: int, n_days: int, school_year_start: int) -> StudentChunk:
    """Generate chunk ``chunk`` of the district's students (``n`` of them)."""
    rng = stream(seed, "students", chunk)
    p = make_people(rng, n, chunk * CHUNK_STUDENTS, school_year_start)
    school1 = _assign_schools(rng, p)
    entry1 = np.zeros(n, dtype=np.int16)
    exit1 = np.full(n, n_days, dtype=np.int16)
    school2 = np.full(n, -1, dtype=np.int8)
    entry2 = np.zeros(n, dtype=np.int16)
    exit2 = np.zeros(n, dtype=np.int16)
    u = rng.random(n)
    mover = np.nonzero(u < 0.05)[0]
    move_day = rng.integers(25, n_days - 25, mover.size)
    exit1[mover] = move_day
    for i, (m, d) in enumerate(zip(mover, move_day, strict=True)):
        options = [s for s in SCHOOLS_BY_LEVEL[SCHOOLS[school1[m]].level] if s != school1[m]]
        school2[m] = options[(i + int(d)) % len(options)]
    entry2[mover] = move_day + rng.integers(0, 3, mover.size)
    exit2[mover] = n_days
    leaver = np.nonzero((u >= 0.05) & (u < 0.085))[0]
    exit1[leaver] = rng.integers(10, n_days - 5, leaver.size)
    late = np.nonzero((u >= 0.085) & (u < 0.135))[0]
    entry1[late] = rng.integers(5, n_days - 30, late.size)

    chronic = np.zeros(n, dtype=bool)
    for s in SCHOOLS:
        idx = np.nonzero(school1 == s.index)[0]
        k = int(np.floor(target_chronic_absence(s) * idx.size + rng.random()))
        chronic[rng.permutation(idx)[:k]] = True
    base = 0.004 + 0.056 * rng.beta(1.2, 3.0, n)
    p_abs = np.where(chronic, rng.uniform(0.135, 0.30, n), base).astype(np.float32)
    p_tardy = (0.004 + 0.03 * rng.beta(1.0, 3.0, n) + 0.01 * (p.grade >= 9)).astype(np.float32)
    need = np.array([nb.need for nb in NEIGHBORHOODS])[p.neighborhood]
    ability = (rng.normal(0, 1, n) - 0.5 * chronic - 0.35 * need).astype(np.float32)
    return StudentChunk(
        **p.__dict__, chunk=chunk, start=chunk * CHUNK_STUDENTS, school1=school1, entry1=entry1, exit1=exit1,
        school2=school2, entry2=entry2, exit2=exit2, chronic_type=chronic, p_absent=p_abs, p_tardy=p_tardy,
        ability=ability,
    )  # fmt: skip
