"""Every marked string has a Spanish translation, and the compiled catalogue matches the source one."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "src" / "commonground" / "locale" / "es" / "LC_MESSAGES"


def entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            raise AssertionError(f"fuzzy entry left in the catalogue: {block[:200]}")
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key:
                found[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
    return found


def test_every_string_is_translated() -> None:
    catalogue = entries()
    assert len(catalogue) > 150
    missing = [k for k, v in catalogue.items() if not v]
    assert missing == [], f"untranslated: {missing}"


def test_the_compiled_catalogue_is_current() -> None:
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for msgid, msgstr in entries().items():
        plain = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        expected = msgstr.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        assert compiled.gettext(plain) == expected, msgid
