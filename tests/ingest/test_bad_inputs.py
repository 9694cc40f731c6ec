"""The bad-input catalogue as a whole: at least 25 kinds, the connector tests and the end-to-end catalogue
cover the same codes, and the operator guide's table of codes is the catalogue's (so neither can drift)."""

from __future__ import annotations

import re
from pathlib import Path

from .bad_input_catalogue import CATALOGUE, MEANINGS, codes, markdown_table

HERE = Path(__file__).resolve().parent
GUIDE = HERE.parents[1] / "docs" / "operator-guide.md"
CONNECTOR_FILES = sorted(set(HERE.glob("test_bad_inputs_*.py")) - {HERE / "test_bad_inputs_e2e.py"})
#: How the connector tests name the code they assert.
ASSERTED = re.compile(r'(?:where|find_issue)\(result, "([a-z0-9-]+)"|\.code == "([a-z0-9-]+)"')
TABLE_START = "<!-- bad-input-codes:start -->"
TABLE_END = "<!-- bad-input-codes:end -->"


def asserted_codes() -> dict[str, set[str]]:
    """The codes each per-connector catalogue file asserts, by file name."""
    return {
        f.name: {a or b for a, b in ASSERTED.findall(f.read_text(encoding="utf-8"))} for f in CONNECTOR_FILES
    }


def test_catalogue_has_at_least_25_kinds() -> None:
    per_file = asserted_codes()
    assert sorted(per_file) == [
        "test_bad_inputs_edfi.py",
        "test_bad_inputs_oneroster.py",
        "test_bad_inputs_tabular.py",
        "test_bad_inputs_zip.py",
    ]
    assert all(per_file.values()), per_file
    everywhere = set().union(*per_file.values()) | codes()
    assert len(everywhere) >= 25, sorted(everywhere)
    kinds = [bad.kind for bad in CATALOGUE]
    assert len(kinds) == len(set(kinds)) >= 25
    assert len(codes()) >= 25


def test_every_code_the_connector_tests_assert_also_goes_end_to_end() -> None:
    # "unknown-column" is the warning beside missing-column, asserted with it; every other code has its own kind
    missing = set().union(*asserted_codes().values()) - codes() - {"unknown-column"}
    assert missing == set(), f"add these codes to bad_input_catalogue.CATALOGUE: {sorted(missing)}"
    assert set(MEANINGS) == codes(), "every catalogue code needs its one-line meaning, and no other"


def test_operator_guide_lists_exactly_the_catalogue_codes() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text, f"the table markers are missing from {GUIDE}"
    table = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip("\n") + "\n"
    assert table == markdown_table(), "regenerate it with: python -m tests.ingest.bad_input_catalogue"
