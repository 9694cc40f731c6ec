"""The home page's training message names exactly the training the gate will ask for (principle 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonground.governance import gate
from commonground.governance.training import training_gaps
from tests.factories import OrganizationFactory, TrainingCourseFactory, TrainingRecordFactory
from tests.governance.gate_world import holds_record, make_agreement, staff

pytestmark = pytest.mark.django_db
ELEMENT = "attendance_event.category"


@pytest.mark.parametrize("history", ["never", "lapsed"])
def test_the_gap_on_the_home_page_is_what_the_gate_refuses(history: str) -> None:
    district = OrganizationFactory(kind="district")
    partner = OrganizationFactory(kind="nonprofit", name="Bright Futures")
    course = TrainingCourseFactory(name="FERPA basics")
    agreement = make_agreement(basis="school_official", purpose="school_official", disclosing=[district],
                               recipients=[partner], roles=["case_manager"], elements=[ELEMENT], training=[course])  # fmt: skip
    holds_record("HP-A", district)
    user = staff("case_manager", partner, [course] if history == "lapsed" else [], lapsed=True)

    gaps = training_gaps(user)
    assert [(g.agreement, g.course, g.status) for g in gaps] == [
        (agreement, course, "missing" if history == "never" else "expired")
    ]
    assert gate.authorize(user, "school_official", ["HP-A"], [ELEMENT]).subjects["HP-A"].denied == {
        ELEMENT: "training_missing"
    }
    client = Client()
    client.force_login(user)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.conf.settings.COMMONGROUND_REQUIRE_2FA", False, raising=False)
        html = client.get(reverse("home")).content.decode()
    assert f'Agreement <a href="{agreement.get_absolute_url()}">{agreement.reference}</a>' in html
    assert "FERPA basics" in html and "you will be refused the student data it covers" in html

    TrainingRecordFactory(user=user, course=course, completed_on=timezone.localdate() - dt.timedelta(days=1))
    assert training_gaps(user) == []
    assert gate.authorize(user, "school_official", ["HP-A"], [ELEMENT]).allows("HP-A", ELEMENT)
