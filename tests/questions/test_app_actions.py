"""The question catalog's actions: who may do what, the state machine, audit rows, and releases (provenance, CSV,
immutability, earlier releases, the system read of the data plane)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commonground.core.models import AuditEvent
from commonground.governance import gate
from commonground.ingest import dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import mapping_from_dict
from commonground.questions import actions, pipeline
from commonground.questions.models import Question, Release, ReleaseImmutableError
from commonground.questions.releases import release_rows
from commonground.questions.suppression import DisclosureRisk, protect
from tests.questions.app_world import SCHOOLS, TOTAL, World, approved, ingest_summary, make_world, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    """The community of :mod:`tests.questions.app_world`."""
    return make_world(tmp_path / "files")


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _by_school(release: Release) -> dict[str, dict[str, Any]]:
    return {r["school"]: r for r in release_rows(release.csv_text)}


def test_a_partner_member_proposes_and_the_proposal_is_audited(world: World) -> None:
    question = propose(world)
    assert (question.status, question.version, question.proposed_by) == ("proposed", 1, world.lead)
    (event,) = _audit("questions.propose")
    assert (event.actor, event.object_id, event.details["indicators"]) == (
        world.lead,
        str(question.pk),
        ["chronic_absence"],
    )


def test_only_members_of_the_owner_propose(world: World) -> None:
    for outsider in (world.coordinator, world.outsider):
        with pytest.raises(PermissionDenied):
            actions.do_propose_question(
                acting_user=outsider, owner=world.district, slug="x", wording="Q?", action="a",
                action_taker="t", indicators=["chronic_absence"],
            )  # fmt: skip
    assert not Question.objects.exists() and not _audit("questions.propose")


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"indicators": ["no_such"]}, "indicators", "unknown indicator 'no_such'"),
        ({"indicators": ["graduation"]}, "indicators", "not available"),
        ({"indicators": []}, "indicators", "at least one indicator"),
        ({"breakdowns": [["shoe_size"]]}, "breakdowns", "unknown breakdown 'shoe_size'"),
        (
            {"indicators": ["program_dosage"], "breakdowns": [["program"]]},
            "breakdowns",
            "cannot be broken down",
        ),
        ({"params": {"chronic_absence": {"threshold": 0.9}}}, "params", "outside the allowed range"),
        ({"params": {"chronic_absence": {"colour": 1}}}, "params", "has no parameter colour"),
        ({"params": {"attendance_rate": {"min_days_enrolled": 5}}}, "params", "does not use"),
        ({"wording": "  "}, "wording", "plain words"),
        ({"audience": "everyone"}, "audience", "public, leaders, partners"),
    ],
)
def test_bad_questions_are_refused_with_the_field_and_reason(
    world: World, fields: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        propose(world, **fields)
    assert words in " ".join(caught.value.message_dict[field])


def test_reserved_and_duplicate_slugs_are_refused(world: World) -> None:
    propose(world)
    with pytest.raises(ValidationError, match="already exists"):
        propose(world)
    with pytest.raises(ValidationError, match="reserved"):
        propose(world, slug="propose")


def test_review_state_machine_and_its_audit_rows(world: World) -> None:
    question = propose(world)
    with pytest.raises(PermissionDenied):
        actions.do_approve_question(acting_user=world.lead, question=question)
    with pytest.raises(ValidationError, match="Say why"):
        actions.do_decline_question(acting_user=world.steward, question=question, reason=" ")
    with pytest.raises(ValidationError, match="only an approved or published question gets a release"):
        actions.do_publish_release(acting_user=world.steward, question=question)
    declined = actions.do_decline_question(acting_user=world.steward, question=question, reason="Too vague.")
    assert (declined.status, declined.review_note, declined.approved_by) == ("declined", "Too vague.", None)
    with pytest.raises(ValidationError, match="only a proposed question can be reviewed"):
        actions.do_approve_question(acting_user=world.steward, question=declined)
    # the proposer edits the declined question: it goes back to review, one version up
    edited = actions.do_edit_question(
        acting_user=world.lead, question=declined, breakdowns=[["school"], ["year"]]
    )
    assert (edited.status, edited.version, edited.breakdowns) == ("proposed", 2, [["school"], ["year"]])
    ok = actions.do_approve_question(acting_user=world.steward, question=edited, note="Clear now.")
    assert (ok.status, ok.approved_by) == ("approved", world.steward)
    with pytest.raises(PermissionDenied):
        actions.do_edit_question(acting_user=world.lead, question=ok, wording="Changed?")
    retired = actions.do_retire_question(acting_user=world.steward, question=ok, reason="Replaced.")
    assert retired.status == "retired" and retired.retired_at is not None
    with pytest.raises(ValidationError, match="only an approved or published question can be retired"):
        actions.do_retire_question(acting_user=world.steward, question=retired)
    with pytest.raises(ValidationError, match="only an approved or published question gets a release"):
        actions.do_publish_release(acting_user=world.steward, question=retired)
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="questions.").order_by("seq")] == [
        "questions.propose", "questions.decline", "questions.edit", "questions.approve", "questions.retire",
    ]  # fmt: skip
    (edit,) = _audit("questions.edit")
    assert edit.details["changes"]["breakdowns"] == ["[['school']]", "[['school'], ['year']]"]


def test_an_edit_that_changes_nothing_writes_nothing(world: World) -> None:
    question = approved(world)
    same = actions.do_edit_question(acting_user=world.steward, question=question, wording=question.wording)
    assert same.version == 1 and not _audit("questions.edit")


def test_a_release_publishes_the_tidy_csv_with_provenance(world: World) -> None:
    question = approved(world, breakdowns=[["school"], ["year"]])
    release = actions.do_publish_release(acting_user=world.steward, question=question, min_cell=10)
    lines = release.csv_text.splitlines()
    assert lines[0] == "school,year,measure,numerator,denominator,value,status"
    assert (
        lines[1] == f"All,All,chronic_absence,{TOTAL[0]},{TOTAL[1]},{round(TOTAL[0] / TOTAL[1], 4)},published"
    )
    assert "All,2026,chronic_absence,36,77,0.4675,published" in lines
    cells = _by_school(release)
    assert set(cells) == {"All", *SCHOOLS}
    for school, row in cells.items():
        if row["status"] == "published":
            students, chronic = SCHOOLS.get(school, (TOTAL[1], TOTAL[0]))
            assert (row["numerator"], row["denominator"]) == (chronic, students)
            assert min(chronic, students - chronic) >= 10
        else:
            assert (row["numerator"], row["denominator"], row["value"]) == (None, None, None)
    assert cells["D"]["status"] == cells["C"]["status"] == "suppressed"  # numerator 3; complement 4
    hidden_line = next(line for line in lines if line.startswith("D,"))
    assert hidden_line == "D,All,chronic_absence,,,,suppressed"  # empty, never 0
    question.refresh_from_db()
    assert (question.status, release.version, release.question_version, release.min_cell) == (
        "published",
        1,
        1,
        10,
    )
    p = release.provenance
    assert p["question"] == {"slug": "chronic-absence", "version": 1, "wording": question.wording,
                             "owner": "riverbend", "audience": "leaders"}  # fmt: skip
    assert p["indicators"][0]["ref"] == "chronic_absence@2"
    assert p["indicators"][0]["params"]["threshold"] == 0.1
    assert p["breakdowns"] == [["school"], ["year"]] and p["min_cell"] == 10
    (sub,) = p["submissions"]
    assert sub["organization"] == "riverbend" and sub["tables"] == ["attendance_summary"]
    assert len(sub["files"][0]["sha256"]) == 64 and sub["decided_at"]
    assert [s["breakdowns"] for s in p["suppression"]] == [["school"], ["year"]]
    assert p["suppression"][0]["suppressed_rows"] == release.suppressed_rows >= 2
    assert set(p["engines"]) == {"commonground", "duckdb", "pyarrow", "scipy"}
    (event,) = _audit("questions.publish_release")
    assert event.details["sha256"] == release.sha256 and event.object_id == str(release.pk)


def test_the_release_read_is_a_system_read_of_the_gate(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []
    real = dataplane.current_relation

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gate.current_access())
        return real(*args, **kwargs)

    monkeypatch.setattr(dataplane, "current_relation", spy)
    actions.do_publish_release(acting_user=world.steward, question=approved(world))
    assert seen and set(seen) == {"system:release chronic-absence v1"}
    (read,) = [e for e in _audit("gate.system_read") if "release chronic-absence" in e.summary]
    assert read.actor == world.steward and read.details["question"] == "chronic-absence"


def test_releases_are_immutable(world: World) -> None:
    release = actions.do_publish_release(acting_user=world.steward, question=approved(world))
    release.min_cell = 3
    with pytest.raises(ReleaseImmutableError):
        release.save()
    with pytest.raises(ReleaseImmutableError):
        release.delete()
    with pytest.raises(ReleaseImmutableError):
        Release.objects.filter(pk=release.pk).update(csv_text="")
    with pytest.raises(ReleaseImmutableError):
        Release.objects.all().delete()
    assert Release.objects.get(pk=release.pk).min_cell == 10


def test_earlier_releases_are_passed_to_protect(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[Any]] = []

    def spy(table: Any, min_cell: int, earlier: Any = (), **kwargs: Any) -> Any:
        calls.append(list(earlier))
        return protect(table, min_cell, earlier=earlier, **kwargs)

    monkeypatch.setattr(pipeline, "protect", spy)
    question = approved(world, breakdowns=[["school"], []])
    first = actions.do_publish_release(acting_user=world.steward, question=question)
    assert [len(c) for c in calls] == [0, 1]  # the total-only table is audited with the school table
    second = actions.do_publish_release(acting_user=world.steward, question=question)
    assert [len(c) for c in calls[2:]] == [2, 3]  # release 1's two tables, then also this release's first
    school_table = calls[2][0]
    published = {r["school"]: r["status"] for r in school_table.to_pylist()}
    assert published == {s: r["status"] for s, r in _by_school(first).items()}
    assert second.provenance["earlier_releases"] == [1]
    assert second.csv_text == first.csv_text  # same data, same answer


def test_one_more_student_cannot_be_isolated_by_comparing_releases(world: World, tmp_path: Path) -> None:
    question = approved(world)
    first = _by_school(actions.do_publish_release(acting_user=world.steward, question=question))
    assert first["A"]["status"] == "published" and first["A"]["numerator"] == 12
    ingest_summary(
        world.district, tmp_path / "files", {**SCHOOLS, "A": (31, 13)}
    )  # one chronic student joins A
    second = _by_school(actions.do_publish_release(acting_user=world.steward, question=question))
    for school, row in second.items():
        before = first[school]
        if row["status"] == before["status"] == "published":
            assert abs(row["numerator"] - before["numerator"]) not in range(1, 10), school
            assert abs(row["denominator"] - before["denominator"]) not in range(1, 10), school


def test_a_refused_release_stores_nothing_and_names_the_cells(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = approved(world)

    def refuse(table: Any, min_cell: int, earlier: Any = (), **kwargs: Any) -> Any:
        raise DisclosureRisk("no safe release found", [])

    monkeypatch.setattr(pipeline, "protect", refuse)
    with pytest.raises(
        DisclosureRisk, match="release 1 of 'chronic-absence' refused \\(chronic_absence by school\\)"
    ):
        actions.do_publish_release(acting_user=world.steward, question=question)
    question.refresh_from_db()
    assert (
        question.status == "approved"
        and not Release.objects.exists()
        and not _audit("questions.publish_release")
    )


def test_publishing_is_for_the_steward_and_min_cell_is_checked(world: World) -> None:
    question = approved(world)
    with pytest.raises(PermissionDenied):
        actions.do_publish_release(acting_user=world.lead, question=question)
    with pytest.raises(ValidationError, match="between 3 and 30"):
        actions.do_publish_release(acting_user=world.steward, question=question, min_cell=31)
    assert not Release.objects.exists()


def test_a_breakdown_by_program_reads_the_program_tables(world: World, tmp_path: Path) -> None:
    path = tmp_path / "spells.csv"
    rows = [
        f"A{n:03d},Tutoring,2025-09-02" for n in range(12)
    ]  # the first 12 of school A: all chronically absent
    path.write_text("Student,Program,Start\n" + "\n".join(rows) + "\n", encoding="utf-8")
    mapping = mapping_from_dict(
        {"table": "program_participation", "id_column": "Student",
         "columns": {"program": "Program", "begin_date": "Start"}, "date_formats": {"begin_date": ["%Y-%m-%d"]}}
    )  # fmt: skip
    spells = do_ingest(
        acting_user=None, organization=world.district, fmt="tabular", paths=[path], mapping=mapping
    )
    assert spells.status == "accepted", spells.report
    question = approved(world, breakdowns=[["program"]])
    release = actions.do_publish_release(acting_user=world.steward, question=question)
    cells = {r["program"]: (r["numerator"], r["denominator"]) for r in release_rows(release.csv_text)}
    assert cells == {"All": (36, 77), "participant": (12, 12), "non-participant": (24, 65)}
    read = {s["id"]: s["tables"] for s in release.provenance["submissions"]}
    assert read[spells.pk] == ["program_participation"]
