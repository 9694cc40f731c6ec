"""Name normalisation: folded case and accents, surname parts, nickname groups (``nicknames`` package), Soundex.

Everything here works on one value at a time; :mod:`.prepare` applies it once per distinct value, so a
million records with fifty thousand distinct names cost fifty thousand calls.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nicknames import NickNamer

_NOT_LETTER = re.compile(r"[^a-z' -]+")
_SPACES = re.compile(r"[\s-]+")
#: Generation suffixes typed into the surname field ("Smith Jr.") are not part of the name.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def fold(text: str | None) -> str | None:
    """Lower case, accents removed, punctuation dropped, runs of spaces and hyphens as one space.

    >>> fold("  O'Brien-SMITH ")
    'obrien smith'
    >>> fold("Patiño") == fold("PATINO")
    True
    """
    if text is None:
        return None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = _NOT_LETTER.sub(" ", plain).replace("'", "")
    plain = _SPACES.sub(" ", plain).strip()
    return plain or None


def surname_parts(folded: str | None) -> list[str]:
    """The parts of a folded surname without generation suffixes: ``"garcia lopez jr"`` → ``["garcia", "lopez"]``."""
    if not folded:
        return []
    parts = folded.split(" ")
    while len(parts) > 1 and parts[-1] in SUFFIXES:
        parts.pop()
    return parts


def soundex(word: str | None) -> str | None:
    """American Soundex of a folded word (``"robert"`` → ``"R163"``); None for no letters."""
    if not word:
        return None
    letters = [c for c in word if "a" <= c <= "z"]
    if not letters:
        return None
    first = letters[0]
    codes = []
    prev = first.translate(_SOUNDEX) if first in "bfpvcgjkqsxzdtlmnr" else ""
    for c in letters[1:]:
        code = c.translate(_SOUNDEX) if c in "bfpvcgjkqsxzdtlmnr" else ""
        if code and code != prev:
            codes.append(code)
        if c not in "hw":
            prev = code
    return (first.upper() + "".join(codes) + "000")[:4]


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=1)
def _group_sizes() -> dict[str, int]:
    return {name: len(nicks) for name, nicks in _namer().nickname_lookup.items()}


def nickname_group(folded_first: str | None) -> list[str]:
    """The name with every formal name it can be a nickname of, sorted.

    Two first names are nickname-equivalent when their groups share a name: ``Bill`` → ``[bill, william]`` and
    ``William`` → ``[bill, billy, william]`` share ``william``. A multi-word first name also contributes its
    first word (``"mary ann"`` → the groups of ``mary ann`` and ``mary``).

    >>> "william" in nickname_group("bill")
    True
    """
    if not folded_first:
        return []
    namer = _namer()
    words = {folded_first, folded_first.split(" ")[0]}
    group: set[str] = set(words)
    for word in words:
        group |= namer.canonicals_of(word)
    return sorted(group)


def nickname_key(group: list[str]) -> str | None:
    """One representative of a nickname group for blocking: the formal name with the most nicknames."""
    if not group:
        return None
    sizes = _group_sizes()
    return min(group, key=lambda n: (-sizes.get(n, 0), n))
