"""The family's journey in a real browser: a parent opens the invitation code with the child's birth date, switches
to Spanish, sees who has seen the child's records, withdraws the consent — and the case manager's page for that
child is gone at once. Then a steward answers the family's inspection request. The record of disclosures holds
exactly one entry per student per page that showed the student's data, naming the elements shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from commonground.governance.models import DisclosureRecord
from commonground.ingest.actions import do_ingest
from commonground.linkage.models import HubPerson, PersonRecord
from commonground.portal.actions import do_issue_invitation
from commonground.portal.models import FamilyRequest
from tests.factories import PASSWORD, OrganizationFactory
from tests.governance.factories import ConsentFactory
from tests.governance.gate_world import holds_record, make_agreement, staff, takes_part
from tests.ingest.conftest import GRAND_BEND

pytestmark = [pytest.mark.browser]
CHILD = "HP-MARYARCHER0001"
NAMES = ["person.first_name", "person.last_name", "person.grade_level"]


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")


def test_parent_revokes_consent_and_the_case_manager_loses_access(
    live_server: Any, transactional_db: None, browser: Any
) -> None:
    district = OrganizationFactory(slug="grand-bend", name="Grand Bend", kind="district")
    partner = OrganizationFactory(slug="bright-futures", name="Bright Futures", kind="nonprofit")
    assert (
        do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND]).status
        == "accepted"
    )
    now = timezone.now()
    person = HubPerson.objects.create(hub_id=CHILD, created_at=now)
    PersonRecord.objects.create(
        hub_person=person, organization=district, source_person_id="604863", fingerprint="x", first_seen_at=now,
        updated_at=now,
    )  # fmt: skip
    holds_record(CHILD, district, "604863")
    takes_part(CHILD, partner, "tutoring")
    make_agreement(
        basis="consent", purpose="direct_services", disclosing=[district], recipients=[partner],
        roles=["case_manager"], elements=NAMES, reference="DSA-TUTORING",
    )  # fmt: skip
    ConsentFactory(
        hub_person_id=CHILD, source_organization=district, source_person_id="604863", student_name="Mary Archer",
        elements=NAMES, purpose="Tutoring follow-up", purpose_category="direct_services", recipient_class="nonprofit",
    )  # fmt: skip
    case_manager = staff("case_manager", partner)
    case_manager.username = "casey"
    case_manager.save()
    steward = staff("hub_steward", OrganizationFactory(slug="the-hub", kind="hub"))
    _invitation, code = do_issue_invitation(
        acting_user=None, organization=district, hub_person_id=CHILD, relationship="parent"
    )
    base = live_server.url

    manager = browser.new_context(locale="en-US").new_page()
    sign_in(manager, base, "casey")
    manager.goto(f"{base}/students/{CHILD}/")
    assert "Mary" in manager.content()
    shown = DisclosureRecord.objects.filter(hub_person_id=CHILD, recipient_user=case_manager)
    assert shown.count() == 1 and set(shown.get().elements) <= set(NAMES)  # one record for the one page shown

    parent = browser.new_context(locale="en-US").new_page()
    parent.goto(f"{base}/family/")
    parent.get_by_label("Language").select_option("es")
    parent.get_by_role("button", name="Change").click()
    parent.get_by_role("link", name="Tengo un código de invitación").click()
    parent.get_by_label("Código de invitación").fill(code)
    parent.get_by_label("Fecha de nacimiento de su hijo o hija").fill("1997-05-30")
    parent.get_by_label("Elija un nombre de usuario").fill("maria.archer.mom")
    parent.get_by_label("Elija una contraseña").fill("una contraseña larga 42")
    parent.get_by_label("La misma contraseña otra vez").fill("una contraseña larga 42")
    parent.get_by_role("button", name="Continuar").click()
    parent.wait_for_url(f"{base}/family/home/")
    parent.get_by_role("link", name=f"Niño {CHILD}").click()
    assert parent.get_by_role("heading", name="Quién ha visto estos registros").is_visible()
    seen = parent.get_by_role("table").filter(has_text="Bright Futures")
    assert seen.count() == 1 and "person.first_name" in seen.inner_text()
    parent.get_by_role("button", name="Retirar este consentimiento").click()
    assert parent.get_by_text("El consentimiento está retirado").is_visible()

    response = manager.goto(f"{base}/students/{CHILD}/")
    assert response is not None and response.status == 404  # withdrawn: the case manager sees nothing at once
    assert shown.count() == 1  # and nothing more was disclosed

    parent.get_by_label("Ver los registros (34 CFR 99.10)").check()
    parent.get_by_label("Cuéntenos más").fill("Todos los registros de asistencia.")
    parent.get_by_role("button", name="Enviar la solicitud").click()
    assert parent.get_by_text("Su solicitud quedó registrada").is_visible()

    desk = browser.new_context(locale="en-US").new_page()
    sign_in(desk, base, steward.username)
    desk.goto(f"{base}/family/requests/")
    desk.get_by_label("Answer to the family").fill("Here are the attendance records, sent by post.")
    desk.get_by_role("button", name="Mark done").click()
    assert desk.get_by_text("The request is closed").is_visible()
    request = FamilyRequest.objects.get()
    assert request.status == "fulfilled" and request.response.startswith("Here are")
    parent.reload()
    assert parent.get_by_text("Here are the attendance records").is_visible()
