"""The family portal: invitation code + birth date opens an account linked to one child; failures are counted and
rate-limited without saying which part was wrong; a family sees only its own child, withdraws a consent in one
click, and opens requests with a 45-day clock that stewards see. English and Spanish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from commonground.core.models import AuditEvent
from commonground.governance.models import PopulationFact
from commonground.people.models import Membership, User
from commonground.portal import actions, identity
from commonground.portal.models import FamilyLink, FamilyRequest, Invitation
from tests.factories import OrganizationFactory, make_user_with_role
from tests.governance.factories import ConsentFactory

pytestmark = pytest.mark.django_db
CHILD = "HP-7K3MQ9XD"
BIRTH = dt.date(2013, 4, 3)
PASSWORD = "a long family password 9"


@pytest.fixture(autouse=True)
def births(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's birth dates for the test child (the registry read itself is tested with the registry)."""
    monkeypatch.setattr(identity, "birth_dates_for", lambda hub_id: {BIRTH} if hub_id == CHILD else set())


@pytest.fixture
def school_staff() -> User:
    school = OrganizationFactory(slug="northside", kind="school")
    # Staff issue codes only for children their organization serves: the school holds the child's record.
    PopulationFact.objects.create(hub_person_id=CHILD, kind="record", organization=school, value="S-7")
    return make_user_with_role("case_manager", school, username="ms-lee")


def issue(staff: User) -> str:
    client = Client()
    client.force_login(staff)
    response = client.post("/family/invitations/new/", {"hub_person_id": CHILD, "relationship": "parent"})
    assert response.status_code == 200
    page = response.content.decode()
    code = page.split('class="code"><strong>')[1].split("<")[0]
    assert "Su invitación" in page  # the letter is in both languages
    return code


def verify(client: Client, code: str, birth: dt.date = BIRTH, username: str = "maria.g") -> int:
    return client.post(
        "/family/verify/",
        {
            "code": code,
            "birth_date": birth.isoformat(),
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    ).status_code


def test_an_invited_parent_opens_an_account_linked_to_the_child(school_staff: User) -> None:
    code = issue(school_staff)
    invitation = Invitation.objects.get()
    assert invitation.code_hash == identity.code_hash(code) and code not in str(
        Invitation.objects.values().get()
    )
    client = Client()
    assert verify(client, code.lower().replace("-", " ")) == 302  # typed loosely: case, spaces
    user = User.objects.get(username="maria.g")
    link = FamilyLink.objects.get(user=user)
    assert link.hub_person_id == CHILD and link.relationship == "parent"
    assert Membership.objects.get(user=user).role == "parent"
    home = client.get("/family/home/").content.decode()
    assert CHILD in home
    assert AuditEvent.objects.filter(action="portal.verify_family", actor=user).exists()
    assert verify(Client(), code, username="someone.else") == 400  # single use


def test_wrong_answers_look_alike_are_counted_and_lock_the_invitation(school_staff: User) -> None:
    code = issue(school_staff)
    wrong_code = Client().post(
        "/family/verify/",
        {
            "code": "ZZZZ-ZZZZ-ZZZZ",
            "birth_date": BIRTH.isoformat(),
            "username": "a",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    wrong_birth = Client().post(
        "/family/verify/",
        {
            "code": code,
            "birth_date": "2013-03-04",
            "username": "b",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    message = "The code and the birth date do not match an open invitation."
    assert message in wrong_code.content.decode() and message in wrong_birth.content.decode()
    for day in (1, 2, 4, 5):
        with pytest.raises(actions.VerificationError):
            actions.check_invitation(code=code, birth_date=BIRTH.replace(day=day), client=f"c{day}")
    assert Invitation.objects.get().failed_attempts == 5
    assert verify(Client(), code) == 400  # locked: even the right birth date no longer opens it
    assert not User.objects.filter(username="maria.g").exists()


def test_one_address_is_limited_to_ten_tries_an_hour(school_staff: User) -> None:
    issue(school_staff)
    for _ in range(identity.ATTEMPTS_PER_HOUR):
        with pytest.raises(actions.VerificationError):
            actions.check_invitation(code="AAAA-BBBB-CCCC", birth_date=BIRTH, client="same-place")
    with pytest.raises(actions.TooManyAttempts):
        actions.check_invitation(code="AAAA-BBBB-CCCC", birth_date=BIRTH, client="same-place")


def test_a_family_sees_only_its_own_child_revokes_consent_and_opens_a_request(school_staff: User) -> None:
    client = Client()
    assert verify(client, issue(school_staff)) == 302
    link = FamilyLink.objects.get()
    consent = ConsentFactory(hub_person_id=CHILD)
    other_consent = ConsentFactory(hub_person_id="HP-SOMEONEELSE")
    other = make_user_with_role("parent", OrganizationFactory(), username="other-parent")
    other_link = FamilyLink.objects.create(
        user=other,
        hub_person_id="HP-SOMEONEELSE",
        relationship="parent",
        verified_at=timezone.now(),
        verified_by="t",
    )
    assert client.get(f"/family/children/{other_link.pk}/").status_code == 404
    assert (
        client.get("/family/children/999999/").status_code == 404
    )  # the same answer whether it exists or not
    page = client.get(f"/family/children/{link.pk}/").content.decode()
    assert consent.purpose in page
    assert client.post(f"/family/children/{link.pk}/", {"revoke": other_consent.pk}).status_code == 404
    assert client.post(f"/family/children/{link.pk}/", {"revoke": consent.pk}).status_code == 302
    consent.refresh_from_db()
    other_consent.refresh_from_db()
    assert consent.revoked_at is not None and other_consent.revoked_at is None
    assert "family portal" in consent.revocation_requested_by

    sent = client.post(
        f"/family/children/{link.pk}/", {"kind": "inspect", "details": "All attendance records."}
    )
    assert sent.status_code == 302
    request = FamilyRequest.objects.get()
    assert request.due_on == timezone.localdate() + dt.timedelta(days=45)
    assert actions.open_requests_for(CHILD) and not actions.open_requests_for("HP-SOMEONEELSE")
    steward = make_user_with_role("hub_steward", OrganizationFactory(kind="hub"), username="steward")
    staff_view = Client()
    staff_view.force_login(steward)
    listing = staff_view.get("/family/requests/").content.decode()
    assert CHILD in listing and "<td>45</td>" in listing
    assert client.get("/family/requests/").status_code == 403


def test_family_pages_are_in_spanish(school_staff: User) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "es", "next": "/family/"})
    landing = client.get("/family/").content.decode()
    assert "Tengo un código de invitación" in landing and "Para familias" in landing
    form = client.get("/family/verify/").content.decode()
    assert "Fecha de nacimiento de su hijo o hija" in form
    assert verify(client, issue(school_staff)) == 302
    link = FamilyLink.objects.get()
    child = client.get(f"/family/children/{link.pk}/").content.decode()
    assert "Consentimientos que usted dio" in child and "Sus solicitudes" in child
