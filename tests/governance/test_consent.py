"""Written consent (34 CFR 99.30): what a consent covers, revocation at once, and opt-out granting nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonground.core.models import AuditEvent
from commonground.governance import actions
from commonground.governance.choices import SignatureMethod
from commonground.governance.models import Consent, DirectoryOptOut
from commonground.governance.receipts import consent_receipt
from tests.factories import OrganizationFactory
from tests.governance.builders import World

pytestmark = pytest.mark.django_db
NOW = timezone.now()
SIGNED = (NOW - dt.timedelta(days=20)).date()


def consent(world: World, **overrides: Any) -> Consent:
    fields: dict[str, Any] = {
        "source_organization": world.partner,
        "source_person_id": "BF-0042",
        "student_name": "Ana Torres",
        "collected_by": world.partner,
        "signer_name": "Lucia Torres",
        "relationship": "parent",
        "elements": ["attendance_event.date", "attendance_event.category"],
        "purpose": "So the program can follow up on missed school days.",
        "purpose_category": "direct_services",
        "signed_on": SIGNED,
        "signature_method": "paper",
        "form_reference": "Binder 3, page 17",
        "expires_on": SIGNED + dt.timedelta(days=300),
        "recipients": [world.partner],
    }
    fields.update(overrides)
    return actions.do_record_consent(acting_user=None, **fields)


@pytest.fixture
def world() -> World:
    return World()


def test_covers_only_what_was_signed_for(world: World) -> None:
    c = consent(world)
    other_org = OrganizationFactory(kind="nonprofit")
    yes = ("attendance_event.category", world.partner, "direct_services", NOW)
    assert c.covers(*yes)
    cases = [
        (("course_grade.letter_grade", world.partner, "direct_services", NOW), "element not named"),
        (("attendance_event.category", other_org, "direct_services", NOW), "recipient not named"),
        (("attendance_event.category", world.partner, "study", NOW), "another purpose"),
        (
            ("attendance_event.category", world.partner, "direct_services", NOW - dt.timedelta(days=30)),
            "before signing",
        ),
        (
            ("attendance_event.category", world.partner, "direct_services", NOW + dt.timedelta(days=400)),
            "expired",
        ),
    ]
    for args, why in cases:
        assert not c.covers(*args), why


def test_class_of_recipients(world: World) -> None:
    c = consent(world, recipients=[], recipient_class="nonprofit")
    assert c.covers("attendance_event.date", OrganizationFactory(kind="nonprofit"), "direct_services", NOW)
    assert not c.covers("attendance_event.date", world.district, "direct_services", NOW)


def test_revocation_is_immediate_and_audited(world: World) -> None:
    c = consent(world)
    moment = timezone.now()
    c = actions.do_revoke_consent(
        acting_user=None, consent=c, requested_by="Lucia Torres, by phone", reason="Moving away", at=moment
    )
    assert c.covers(
        "attendance_event.date", world.partner, "direct_services", moment - dt.timedelta(microseconds=1)
    )
    assert not c.covers("attendance_event.date", world.partner, "direct_services", moment)
    assert c.status_label(moment) == "Revoked"
    event = AuditEvent.objects.filter(action="governance.revoke_consent").get()
    assert "Lucia Torres" not in str(event.details) + event.summary  # names stay out of the audit log
    assert type(c).objects.get(pk=c.pk).revocation_requested_by == "Lucia Torres, by phone"
    with pytest.raises(ValidationError, match="already revoked"):
        actions.do_revoke_consent(acting_user=None, consent=c, requested_by="x", reason="")


def test_opt_out_is_never_consent(world: World) -> None:
    """A family that merely did not object — or that opted out of directory information — grants nothing."""
    assert "opt" not in " ".join(SignatureMethod.values)  # there is no opt-out kind of consent to record
    DirectoryOptOut.objects.create(
        district=world.district, source_organization=world.partner, source_person_id="BF-0042",
        student_name="Ana Torres", requested_by="Lucia Torres", relationship="parent", received_on=SIGNED,
    )  # fmt: skip
    held = Consent.objects.filter(source_organization=world.partner, source_person_id="BF-0042")
    assert not any(c.covers("attendance_event.date", world.partner, "direct_services", NOW) for c in held)
    assert not held.exists()
    with pytest.raises(ValidationError):
        consent(world, signature_method="opt_out")
    raw = (
        "student_id,student_name,signer_name,relationship,signed_on,elements,purpose,purpose_category,"
        "form_reference,recipients\n"
        f"BF-0042,Ana Torres,Lucia Torres,parent,{SIGNED},attendance_event.date,"
        "Did not object (opt-out),direct_services,none,bright-futures\n"
    ).encode()
    with pytest.raises(actions.ConsentImportError) as refused:
        actions.do_import_consents(acting_user=None, organization=world.partner, raw=raw, file="c.csv")
    assert "is not written consent (34 CFR 99.30(a))" in str(refused.value.errors[0])
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"elements": []}, "elements"),
        ({"purpose": " "}, "purpose"),
        ({"recipients": []}, "recipients"),
        ({"form_reference": ""}, "form_reference"),
        ({"signature_method": "electronic"}, "verification_method"),
        ({"signed_on": timezone.localdate() + dt.timedelta(days=1)}, "signed_on"),
        ({"elements": ["person.shoe_size"]}, "elements"),
    ],
)
def test_a_consent_must_hold_what_9930_requires(world: World, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        consent(world, **overrides)
    assert field in refused.value.message_dict
    assert not Consent.objects.exists()


def test_electronic_consent_identifies_the_signer(world: World) -> None:
    c = consent(
        world,
        signature_method="electronic",
        form_reference="",
        verification_method="portal_mfa",
        verified_identity="parent portal account lucia.torres (two-step verification)",
        verified_at=NOW - dt.timedelta(days=20),
    )
    receipt = consent_receipt(c, NOW)
    assert receipt["signature"]["verification"]["identity"].startswith("parent portal account")
    assert receipt["status"] == "Active" and receipt["receipt_id"] == f"CG-CONSENT-{c.pk:06d}"
    assert receipt["records"][0] == {"element": "attendance_event.date", "label": "Attendance event: date"}
    assert receipt["recipients"] == [{"slug": "bright-futures", "name": "Bright Futures After-School"}]
    assert any("99.30(c)" in right for right in receipt["rights"])
