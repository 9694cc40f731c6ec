"""The agreement lifecycle, its refusals, versions and audit rows, and when an agreement is in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonground.core.models import AuditEvent
from commonground.governance import actions, documents
from commonground.governance.models import Agreement, AgreementVersion
from tests.governance.builders import END, TODAY, World, activate, complete_agreement, mark_signed

pytestmark = pytest.mark.django_db


def audit_actions(agreement: Agreement) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="governance.Agreement", object_id=str(agreement.pk)
        ).values_list("action", flat=True)
    )


def test_whole_life_with_versions_and_audit() -> None:
    agreement = complete_agreement("studies")
    assert agreement.status == "draft" and agreement.version == 0
    actions.do_update_agreement(acting_user=None, agreement=agreement, purpose="Draft edits make no version.")
    assert not AgreementVersion.objects.filter(agreement=agreement).exists()
    agreement = activate(agreement)
    assert agreement.status == "active" and agreement.is_in_force(timezone.now())
    assert Agreement.objects.in_force(timezone.now()).filter(pk=agreement.pk).exists()
    agreement = actions.do_terminate_agreement(
        acting_user=None, agreement=agreement, reason="Study cancelled."
    )
    assert agreement.status == "terminated" and not agreement.is_in_force(timezone.now())
    agreement = actions.do_record_agreement_destruction(
        acting_user=None,
        agreement=agreement,
        destroyed_on=TODAY,
        certified_by="Dr. Nair",
        method="NIST purge",
    )
    assert agreement.status == "destroyed"
    statuses = list(agreement.versions.order_by("number").values_list("status", flat=True))
    # submit, 2 signatories added + 2 signatures while in review, sign, activate, terminate, destroy
    assert statuses == ["in_review"] * 5 + ["signed", "active", "terminated", "destroyed"]
    assert agreement.version == 9
    assert audit_actions(agreement) == [
        "governance.create_agreement",
        "governance.update_agreement",
        "governance.submit_agreement",
        "governance.sign_agreement",
        "governance.activate_agreement",
        "governance.terminate_agreement",
        "governance.destroy_agreement",
    ]


@pytest.mark.parametrize(
    ("status", "step", "expected"),
    [
        ("draft", "activate", "is a draft; it cannot be activated. Next, you can submit it for review."),
        ("draft", "sign", "is a draft; it cannot be marked signed. Next, you can submit it for review."),
        (
            "in_review",
            "activate",
            "cannot be activated. Next, you can return it to draft or record that it is signed.",
        ),
        ("active", "submit", "is active; it cannot be submitted for review."),
        ("expired", "activate", "is expired; it cannot be activated. Next, you can record the destruction"),
        (
            "destroyed",
            "terminate",
            "is closed: its data was destroyed; it cannot be terminated. Nothing further can happen to it.",
        ),
    ],
)
def test_illegal_transitions_are_refused_with_the_next_step(status: str, step: str, expected: str) -> None:
    agreement = complete_agreement("studies")
    Agreement.objects.filter(pk=agreement.pk).update(status=status)
    agreement.refresh_from_db()
    run = {
        "activate": lambda: actions.do_activate_agreement(acting_user=None, agreement=agreement),
        "sign": lambda: actions.do_sign_agreement(acting_user=None, agreement=agreement),
        "submit": lambda: actions.do_submit_agreement_for_review(acting_user=None, agreement=agreement),
        "terminate": lambda: actions.do_terminate_agreement(
            acting_user=None, agreement=agreement, reason="x"
        ),
    }[step]
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        run()
    assert expected in refused.value.messages[0]
    assert AuditEvent.objects.count() == before
    agreement.refresh_from_db()
    assert agreement.status == status


def test_signing_needs_every_party() -> None:
    world = World()
    agreement = actions.do_submit_agreement_for_review(
        acting_user=None, agreement=complete_agreement("consent")
    )
    with pytest.raises(ValidationError, match="it has no signatories"):
        actions.do_sign_agreement(acting_user=None, agreement=agreement)
    s = actions.do_add_signatory(
        acting_user=None,
        agreement=agreement,
        name="Dr. Alma Reyes",
        title="Superintendent",
        organization=world.district,
    )
    with pytest.raises(ValidationError) as refused:
        actions.do_sign_agreement(acting_user=None, agreement=agreement)
    text = " ".join(refused.value.messages)
    assert "Dr. Alma Reyes (Riverbend Unified School District) has not signed yet" in text
    assert "no one has signed for Bright Futures After-School (recipient)" in text
    with pytest.raises(ValidationError, match="in the future"):
        actions.do_record_signature(acting_user=None, signatory=s, signed_on=TODAY + dt.timedelta(days=1))
    outsider = World().hub.__class__.objects.create(slug="stranger", name="Stranger Org", kind="nonprofit")
    with pytest.raises(ValidationError, match="is not a party"):
        actions.do_add_signatory(
            acting_user=None, agreement=agreement, name="X", title="Y", organization=outsider
        )


def test_activation_respects_the_term() -> None:
    agreement = mark_signed(complete_agreement("studies", starts_on=TODAY + dt.timedelta(days=5)))
    with pytest.raises(ValidationError, match="its term starts on"):
        actions.do_activate_agreement(acting_user=None, agreement=agreement)
    later = timezone.now() + dt.timedelta(days=6)
    agreement = actions.do_activate_agreement(acting_user=None, agreement=agreement, at=later)
    assert agreement.status == "active"


def test_in_force_follows_time_exactly() -> None:
    agreement = mark_signed(complete_agreement("studies"))
    t_activate = timezone.now() - dt.timedelta(days=2)
    agreement = actions.do_activate_agreement(acting_user=None, agreement=agreement, at=t_activate)
    t_end = timezone.now() - dt.timedelta(days=1)
    agreement = actions.do_terminate_agreement(
        acting_user=None, agreement=agreement, reason="Breach", at=t_end
    )
    for moment, expected in (
        (t_activate - dt.timedelta(seconds=1), False),
        (t_activate, True),
        (t_end - dt.timedelta(seconds=1), True),
        (t_end, False),
    ):
        assert agreement.is_in_force(moment) is expected
        assert Agreement.objects.in_force(moment).filter(pk=agreement.pk).exists() is expected


def test_expiry_only_after_the_term() -> None:
    agreement = activate(complete_agreement("studies"))
    with pytest.raises(ValidationError, match="terminate it to end it early"):
        actions.do_expire_agreement(acting_user=None, agreement=agreement)
    after = dt.datetime.combine(END + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    assert not agreement.is_in_force(after)  # the gate stops at the end date even before it is marked expired
    agreement = actions.do_expire_agreement(acting_user=None, agreement=agreement, at=after)
    assert agreement.status == "expired" and agreement.ended_at == after


def test_amending_an_active_agreement_makes_a_version_and_keeps_it_complete() -> None:
    agreement = activate(complete_agreement("studies"))
    before = agreement.version
    agreement = actions.do_update_agreement(
        acting_user=None,
        agreement=agreement,
        ends_on=END + dt.timedelta(days=10),
        note="Extended by ten days",
    )
    assert agreement.version == before + 1
    version = agreement.versions.get(number=agreement.version)
    assert version.note == "Extended by ten days" and version.status == "active"
    with pytest.raises(ValidationError, match="must keep every required element"):
        actions.do_update_agreement(acting_user=None, agreement=agreement, destruction_method="")
    agreement.refresh_from_db()
    assert agreement.destruction_method and agreement.version == before + 1
    unchanged = AuditEvent.objects.count()
    actions.do_update_agreement(acting_user=None, agreement=agreement, ends_on=agreement.ends_on)
    assert AuditEvent.objects.count() == unchanged  # nothing changed, nothing written


def test_ended_agreements_cannot_change() -> None:
    agreement = activate(complete_agreement("studies"))
    agreement = actions.do_terminate_agreement(acting_user=None, agreement=agreement, reason="Done")
    with pytest.raises(ValidationError, match="can no longer change"):
        actions.do_update_agreement(acting_user=None, agreement=agreement, purpose="New")


def test_versions_diff_reads_line_by_line() -> None:
    agreement = activate(complete_agreement("studies"))
    agreement = actions.do_update_agreement(
        acting_user=None, agreement=agreement, purpose="A sharper purpose."
    )
    old, new = (
        agreement.versions.order_by("-number")[1:2].get(),
        agreement.versions.get(number=agreement.version),
    )
    assert "Case managers follow up" in documents.canonical_text(old.snapshot)
    assert "A sharper purpose." in documents.canonical_text(new.snapshot)


def test_parties_cannot_disclose_to_themselves() -> None:
    world = World()
    with pytest.raises(ValidationError, match="cannot both disclose and receive"):
        complete_agreement("studies", recipients=[world.district])


def test_unknown_elements_and_laws_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"unknown data element 'person\.ssn'"):
        complete_agreement("studies", elements=["person.ssn"])
    with pytest.raises(ValidationError, match="unknown law"):
        complete_agreement("studies", governing_laws={"person": "gdpr"})
    with pytest.raises(ValidationError, match="unknown roles"):
        complete_agreement("studies", recipient_roles=["janitor"])
