"""Name lists (US Census frequencies via Faker's en_US and es_MX lists) and nicknames (``nicknames`` package)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from nicknames import NickNamer

# Spanish-language nicknames that the English nickname list lacks.
_SPANISH_NICKNAMES: dict[str, list[str]] = {
    "José": ["Pepe", "Chepe"], "Francisco": ["Paco", "Pancho"], "Guadalupe": ["Lupe", "Lupita"],
    "Jesús": ["Chuy"], "Alejandro": ["Alex", "Ale"], "Roberto": ["Beto"], "Alberto": ["Beto"],
    "Eduardo": ["Lalo"], "Ignacio": ["Nacho"], "Enrique": ["Quique"], "Dolores": ["Lola"],
    "Rosario": ["Charo"], "Concepción": ["Conchita"], "Gerardo": ["Jerry"], "Fernando": ["Nando"],
    "Alejandra": ["Ale"], "Guillermo": ["Memo"], "Ricardo": ["Ricky"], "Rodrigo": ["Rigo"],
    "Manuel": ["Manny"], "Antonio": ["Toño", "Tony"], "Daniela": ["Dani"], "Valentina": ["Vale"],
}  # fmt: skip


@dataclass(frozen=True)
class _Table:
    names: np.ndarray  # object array of str
    cum: np.ndarray  # cumulative probabilities

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.names[np.searchsorted(self.cum, rng.random(n), side="right").clip(0, self.names.size - 1)]


def _table(rows: list[list[object]]) -> _Table:
    names = np.array([str(r[0]) for r in rows], dtype=object)
    w = np.array([float(str(r[1])) for r in rows])
    return _Table(names, np.cumsum(w / w.sum()))


@dataclass(frozen=True)
class NameBank:
    """Weighted first-name and surname tables by sex and heritage."""

    female: _Table
    male: _Table
    female_hispanic: _Table
    male_hispanic: _Table
    surname: _Table
    surname_hispanic: _Table
    surname_asian: _Table

    def first_names(self, rng: np.random.Generator, sex: np.ndarray, hispanic: np.ndarray) -> np.ndarray:
        """First names for people of the given sex codes (0 female, 1 male, 2 other) and heritage."""
        n = sex.size
        out = np.empty(n, dtype=object)
        spanish = hispanic & (rng.random(n) < 0.7)
        coin = rng.random(n) < 0.5
        female = (sex == 0) | ((sex == 2) & coin)
        for mask, table in (
            (female & ~spanish, self.female),
            (~female & ~spanish, self.male),
            (female & spanish, self.female_hispanic),
            (~female & spanish, self.male_hispanic),
        ):
            k = int(mask.sum())
            if k:
                out[mask] = table.draw(rng, k)
        return out

    def surnames(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        """Surnames by heritage group (0 general, 1 Hispanic, 2 Asian)."""
        out = np.empty(group.size, dtype=object)
        for g, table in ((0, self.surname), (1, self.surname_hispanic), (2, self.surname_asian)):
            mask = group == g
            k = int(mask.sum())
            if k:
                out[mask] = table.draw(rng, k)
        return out


@lru_cache(maxsize=1)
def name_bank() -> NameBank:
    """Load the bundled name tables (once per process)."""
    raw = json.loads(resources.files(__package__).joinpath("names_data.json").read_text(encoding="utf-8"))
    return NameBank(
        _table(raw["female"]), _table(raw["male"]), _table(raw["female_hispanic"]), _table(raw["male_hispanic"]),
        _table(raw["surname"]), _table(raw["surname_hispanic"]), _table(raw["surname_asian"]),
    )  # fmt: skip


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=4096)
def nicknames_for(first_name: str) -> tuple[str, ...]:
    """Nicknames people commonly write instead of ``first_name`` (sorted, title case; empty if none known)."""
    extra = _SPANISH_NICKNAMES.get(first_name, [])
    found = {n.title() for n in _namer().nicknames_of(first_name.lower()) if len(n) >= 2}
    found |= set(extra)
    found.discard(first_name)
    return tuple(sorted(found))
