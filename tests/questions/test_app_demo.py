"""The demo community answers at least eight approved questions with published releases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from commonground.core.models import AuditEvent
from commonground.demo.build import build_demo
from commonground.questions.models import Question, Release
from commonground.questions.releases import release_rows

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_publishes_at_least_eight_questions(tmp_path: Path) -> None:
    summary = build_demo(home=tmp_path / "hub", students=150, seed=7)
    published = Question.objects.filter(status="published")
    assert summary["questions"]["published"] == published.count() >= 8, summary["questions"]
    assert summary["questions"]["refused"] == []
    for question in published:
        release = Release.objects.get(question=question, version=1)
        assert question.reviewed_by is not None and question.proposed_by != question.reviewed_by
        assert release.provenance["submissions"] and release_rows(release.csv_text)
    reads = AuditEvent.objects.filter(action="gate.system_read", summary__contains="release ").count()
    assert reads == published.count()
    # a second run proposes and publishes nothing again
    again = build_demo(home=tmp_path / "hub", students=150, seed=7)
    assert (
        again["questions"]["published"] == published.count() and Release.objects.count() == published.count()
    )
    public = Client().get("/questions/").content.decode()
    assert "Which schools have the most chronically absent students" in public
