"""The school calendar is kept in memory between page views, under the latest accepted submission's id and moment
and the data folder: the same id with other data behind it (an older hub restored and numbering its submissions
again, or a process serving another home) must read the calendar again, not show another calendar's days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from commonground.actionlists import listing, records, schooldays
from commonground.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SEPT_1, SEPT_2 = dt.date(2026, 9, 1), dt.date(2026, 9, 2)


@pytest.fixture
def calendar(monkeypatch: pytest.MonkeyPatch) -> dict[str, dt.date]:
    """The calendar the data plane holds right now (one instructional day), changeable by the test."""
    held = {"day": SEPT_1}

    def relation(con: duckdb.DuckDBPyConnection, table: str) -> Any:
        assert table == "calendar_date"
        return con.sql("SELECT $day::DATE AS date, TRUE AS instructional", params={"day": held["day"]})

    monkeypatch.setattr(schooldays.dataplane, "current_relation", relation)
    schooldays._CACHE.clear()
    return held


@pytest.fixture(params=["list page", "student page"])
def days(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The calendar as each caller gets it, for a given latest accepted submission (id, moment): the list page
    passes what ``records.version`` read; the student page lets the calendar ask."""

    def through_the_list(latest: int | None, moment: str | None) -> frozenset[dt.date]:
        return listing._context((1, latest, moment, None, 1, 10, 10)).instructional or frozenset()

    def through_the_student_page(latest: int | None, moment: str | None) -> frozenset[dt.date]:
        monkeypatch.setattr(records, "version", lambda: (1, latest, moment, None, 1, 10, 10))
        return schooldays.instructional_days()

    return through_the_list if request.param == "list page" else through_the_student_page


def _reads() -> int:
    return AuditEvent.objects.filter(action="gate.system_read", summary__contains="school calendar").count()


def test_kept_while_the_submission_is_the_same(calendar: dict[str, dt.date], days: Any) -> None:
    moment = "2026-11-01 10:00:00.000001"
    assert days(7, moment) == {SEPT_1}
    calendar["day"] = SEPT_2  # not announced by a new submission: the kept calendar is used
    assert days(7, moment) == {SEPT_1}
    assert _reads() == 1


def test_the_same_id_at_another_moment_reads_again(calendar: dict[str, dt.date], days: Any) -> None:
    assert days(7, "2026-11-01 10:00:00.000001") == {SEPT_1}
    calendar["day"] = SEPT_2  # a restored older hub accepted its own submission 7 since
    assert days(7, "2026-11-02 09:30:00.000002") == {SEPT_2}
    assert _reads() == 2


def test_another_data_folder_reads_again(
    calendar: dict[str, dt.date], days: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    moment = "2026-11-01 10:00:00.000001"
    assert days(7, moment) == {SEPT_1}
    calendar["day"] = SEPT_2
    monkeypatch.setattr(schooldays.dataplane, "data_dir", lambda: tmp_path / "another-home" / "data")
    assert days(7, moment) == {SEPT_2}


def test_no_submission_reads_nothing(calendar: dict[str, dt.date], days: Any) -> None:
    assert days(None, None) == frozenset()
    assert _reads() == 0
