"""Stored reports keep where an identifying value is wrong, never the value itself (it would sit in the database)."""

from __future__ import annotations

import json

from commonground.ingest.actions import build_report
from commonground.ingest.connectors.report import WITHHELD, ParseResult, identifying_column


def test_identifying_columns_are_known_by_the_names_sources_give_them() -> None:
    for label in ("birthDate", "Student/BirthData/BirthDate", "givenName", "Last Name", "E-mail", "DOB"):
        assert identifying_column(label, set()), label
    for label in (
        "schoolSourcedId",
        "Date",
        "StudentReference/StudentIdentity/StudentUniqueId",
        "grade",
        None,
    ):
        assert not identifying_column(label, set()), label
    assert identifying_column("Geburtstag", {"Geburtstag"})  # a mapped header of an identifying column


def test_the_stored_report_withholds_identifying_values_and_keeps_the_rest() -> None:
    result = ParseResult()
    result.error("bad-date", "roster.csv", 4, "Fecha de nacimiento", "2031-02-30", "a date")
    result.error("bad-date", "days.csv", 9, "Date", "2024-13-01", "a date")
    result.source_columns["person"] = {"birth_date": "Fecha de nacimiento"}
    report = build_report(result)
    first, second = report["issues"]
    assert (first["file"], first["line"], first["column"], first["value"]) == (
        "roster.csv", 4, "Fecha de nacimiento", WITHHELD,
    )  # fmt: skip
    assert "2031-02-30" not in json.dumps(report)
    assert second["value"] == "2024-13-01" and "2024-13-01" in second["message"]
