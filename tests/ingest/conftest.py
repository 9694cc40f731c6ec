"""Helpers for the connector tests: fixture paths, writable copies, issue lookup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from commonground.ingest.connectors.report import Issue, ParseResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GRAND_BEND = FIXTURES / "oneroster-1.1-grand-bend"
EDFI_EXCERPT = FIXTURES / "edfi-xml-excerpt"


def find_issue(result: ParseResult, code: str, severity: str | None = None) -> Issue:
    """The first issue with this code (fails with the full issue list when there is none)."""
    for issue in result.issues:
        if issue.code == code and severity in (None, issue.severity):
            return issue
    raise AssertionError(f"no {code} issue; got: " + "\n".join(i.message for i in result.issues))


def grand_bend_copy(tmp: Path) -> Path:
    """A writable copy of the Grand Bend OneRoster sample (CSV files only)."""
    target = tmp / "grand-bend"
    target.mkdir()
    for f in GRAND_BEND.glob("*.csv"):
        shutil.copyfile(f, target / f.name)
    return target


@pytest.fixture
def grand_bend(tmp_path: Path) -> Path:
    """A writable copy of the Grand Bend OneRoster sample (CSV files only)."""
    return grand_bend_copy(tmp_path)
