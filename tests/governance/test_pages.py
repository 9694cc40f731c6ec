"""Governance pages beyond the generic cases: lifecycle buttons, signatories, documents, versions and their diff,
revocation, receipts, opt-out withdrawal, who sees what."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commonground.governance import actions
from commonground.governance.models import Agreement
from tests.factories import make_user_with_role
from tests.governance.builders import TODAY, World, complete_agreement
from tests.governance.factories import ConsentFactory, OptOutFactory

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_steward_takes_an_agreement_from_draft_to_active_through_the_pages(steward_client: Client) -> None:
    world = World()
    agreement = complete_agreement("studies")
    detail = agreement.get_absolute_url()
    html = page(steward_client, detail)
    assert "Submit for review" in html and "Activate" not in html.split("Before it can be activated")[0]
    step = lambda name: reverse("governance:agreement_step", args=[agreement.pk, name])  # noqa: E731
    assert steward_client.post(step("submit")).status_code == 302
    for org, name in ((world.district, "Dr. Alma Reyes"), (world.partner, "Jordan Blake")):
        response = steward_client.post(
            reverse("governance:signatory_create", args=[agreement.pk]),
            {"name": name, "title": "Signer", "organization": org.pk},
        )
        assert response.status_code == 302
    html = page(steward_client, detail)
    assert "has not signed yet" in html
    for signatory in agreement.signatories.all():
        steward_client.post(
            reverse("governance:signatory_update", args=[signatory.pk]), {"signed_on": TODAY.isoformat()}
        )
    steward_client.post(step("sign"))
    response = steward_client.post(step("activate"), follow=True)
    assert "is now active" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "active"
    # Terminating asks for a reason first.
    assert "Terminate" in page(steward_client, step("terminate"))
    response = steward_client.post(step("terminate"), {"reason": ""})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    steward_client.post(step("terminate"), {"reason": "Study finished early"})
    agreement.refresh_from_db()
    assert agreement.status == "terminated" and agreement.end_reason == "Study finished early"


def test_refused_activation_names_what_is_missing_on_the_page(steward_client: Client) -> None:
    agreement = complete_agreement("studies", destruction_deadline=None)
    Agreement.objects.filter(pk=agreement.pk).update(status="signed")
    html = page(steward_client, agreement.get_absolute_url())
    assert "Before it can be activated" in html and "it has no destruction deadline" in html
    response = steward_client.post(
        reverse("governance:agreement_step", args=[agreement.pk, "activate"]), follow=True
    )
    html = response.content.decode()
    assert "The agreement cannot be activated: it has no destruction deadline" in html
    assert "34 CFR 99.31(a)(6)(iii)(C)(4)" in html


def test_unknown_step_and_members_cannot_move_agreements(
    member_client: Client, steward_client: Client
) -> None:
    agreement = complete_agreement("studies")
    assert (
        steward_client.post(reverse("governance:agreement_step", args=[agreement.pk, "explode"])).status_code
        == 404
    )
    assert (
        member_client.post(reverse("governance:agreement_step", args=[agreement.pk, "submit"])).status_code
        == 403
    )
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_a_data_lead_sees_their_organizations_agreements_only() -> None:
    world = World()
    mine = complete_agreement("studies")
    other = complete_agreement("consent", reference="T-other", recipients=[World().hub.__class__.objects.create(
        slug="elsewhere", name="Elsewhere", kind="nonprofit")], disclosing=[world.district])  # fmt: skip
    lead = make_user_with_role("data_lead", world.partner)
    client = Client()
    client.force_login(lead)
    listing = page(client, reverse("governance:agreement_list"))
    assert mine.reference in listing and other.reference not in listing
    assert 'href="/governance/"' in page(client, reverse("home"))  # the navigation offers Agreements
    page(client, mine.get_absolute_url())
    page(client, reverse("governance:agreement_document", args=[mine.pk]))
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("governance:agreement_pdf", args=[other.pk])).status_code == 404
    assert "Submit for review" not in page(client, mine.get_absolute_url())
    case_manager = make_user_with_role("case_manager", world.partner)
    client.force_login(case_manager)
    assert "Agreements</a>" not in page(client, reverse("home"))
    assert "Nothing to show" in page(client, reverse("governance:agreement_list"))


def test_versions_and_the_diff_page(steward_client: Client) -> None:
    agreement = complete_agreement("studies")
    actions.do_submit_agreement_for_review(acting_user=None, agreement=agreement)
    actions.do_update_agreement(acting_user=None, agreement=agreement, purpose="Measure reading growth.")
    html = page(steward_client, agreement.get_absolute_url())
    assert "Version 2" in html and "See what changed last" in html
    diff = page(steward_client, reverse("governance:agreement_diff", args=[agreement.pk]))
    assert re.search(
        r'class="diff-line diff-removed"><del><span class="visually-hidden">Removed: </span>Case managers',
        diff,
    )
    assert re.search(
        r'class="diff-line diff-added"><ins><span class="visually-hidden">Added: </span>Measure reading', diff
    )
    same = page(steward_client, reverse("governance:agreement_diff", args=[agreement.pk]) + "?from=2&to=2")
    assert "say the same thing" in same
    assert (
        steward_client.get(
            reverse("governance:agreement_diff", args=[agreement.pk]) + "?from=x&to=99"
        ).status_code
        == 200
    )
    v1 = page(steward_client, reverse("governance:agreement_version", args=[agreement.pk, 1]))
    assert "Case managers follow up" in v1 and "version 1" in v1
    pdf = steward_client.get(reverse("governance:agreement_version_pdf", args=[agreement.pk, 1]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        steward_client.get(reverse("governance:agreement_version", args=[agreement.pk, 9])).status_code == 404
    )
    draft = complete_agreement("consent", reference="T-draft")
    assert steward_client.get(reverse("governance:agreement_diff", args=[draft.pk])).status_code == 404


def test_revoke_page_and_receipts(steward_client: Client, member_client: Client) -> None:
    consent = ConsentFactory()
    url = reverse("governance:consent_revoke", args=[consent.pk])
    assert member_client.post(url, {"requested_by": "x"}).status_code == 403
    assert steward_client.post(url, {"requested_by": ""}).status_code == 200
    response = steward_client.post(
        url, {"requested_by": "The parent, in writing", "reason": "Changed her mind"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revocation_requested_by == "The parent, in writing"
    html = page(steward_client, consent.get_absolute_url())
    assert "Revoked" in html and "Revoke…" not in html
    receipt = json.loads(page(steward_client, reverse("governance:consent_receipt_json", args=[consent.pk])))
    assert (
        receipt["status"] == "Revoked" and receipt["revocation"]["requested_by"] == "The parent, in writing"
    )
    assert receipt["recipient_class"]["label"] == "Every community nonprofit in the hub"
    printable = page(steward_client, reverse("governance:consent_receipt", args=[consent.pk]))
    assert "Your rights" in printable and consent.student_name in printable
    assert member_client.get(reverse("governance:consent_receipt_json", args=[consent.pk])).status_code == 403


def test_opt_out_withdrawal(steward_client: Client) -> None:
    opt_out = OptOutFactory()
    url = reverse("governance:optout_withdraw", args=[opt_out.pk])
    response = steward_client.post(url, {"withdrawn_on": "2025-01-01"}, follow=True)
    assert "cannot be withdrawn before it was received" in response.content.decode()
    steward_client.post(url, {"withdrawn_on": TODAY.isoformat()})
    opt_out.refresh_from_db()
    assert opt_out.withdrawn_on == TODAY
    assert not opt_out.applies_to("person.first_name", TODAY)


def test_directory_designation_refuses_ssn_like_and_non_directory_elements(steward_client: Client) -> None:
    world = World()
    data: dict[str, Any] = {
        "district": world.district.pk,
        "notice_published_on": "2025-08-01",
        "notice_reference": "Handbook",
        "effective_from": "2025-08-15",
    }
    from django.core.exceptions import ValidationError

    for elements, message in (
        (["person.ids_raw"], "social security number"),
        (["course_grade.letter_grade"], "cannot be directory information"),
    ):
        with pytest.raises(ValidationError, match=message):
            actions.do_create_designation(acting_user=None, district=world.district, elements=elements,
                                          notice_published_on=TODAY, notice_reference="x", effective_from=TODAY)  # fmt: skip
    response = steward_client.post(
        reverse("governance:designation_create"), {**data, "elements": ["person.ids_raw"]}
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert (
        not world.district.directory_designations.exists()
    )  # the form offers only directory-eligible elements
    with pytest.raises(ValidationError, match="not a school district"):
        actions.do_create_designation(acting_user=None, district=world.partner, elements=["person.first_name"],
                                      notice_published_on=TODAY, notice_reference="x", effective_from=TODAY)  # fmt: skip


def test_every_governance_form_field_has_a_label(steward_client: Client) -> None:
    agreement = complete_agreement("studies")
    for url in (
        reverse("governance:agreement_create"),
        reverse("governance:agreement_edit", args=[agreement.pk]),
        reverse("governance:signatory_create", args=[agreement.pk]),
        reverse("governance:agreement_step", args=[agreement.pk, "destroy"]),
        reverse("governance:consent_create"),
        reverse("governance:consent_import"),
        reverse("governance:designation_create"),
        reverse("governance:optout_create"),
        reverse("governance:pathfinder"),
    ):
        html = page(steward_client, url)
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if 'type="hidden"' in tag or 'name="q"' in tag:
                continue
            field_id = re.search(r'id="([^"]+)"', tag)
            assert field_id, (url, tag)
            assert f'for="{field_id.group(1)}"' in html, (url, tag)
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag
        assert html.count("<h1") == 1


def test_staff_a_signed_agreement_binds_may_read_it() -> None:
    from tests.governance.builders import activate

    world = World()
    agreement = complete_agreement("consent", recipient_roles=["case_manager"])
    coordinator = make_user_with_role("case_manager", world.partner)
    leader = make_user_with_role("leader", world.partner)
    client = Client()
    client.force_login(coordinator)
    assert client.get(agreement.get_absolute_url()).status_code == 404  # a draft binds no one yet
    activate(agreement)
    page(client, agreement.get_absolute_url())
    page(client, reverse("governance:agreement_document", args=[agreement.pk]))
    client.force_login(leader)
    assert client.get(agreement.get_absolute_url()).status_code == 404  # leaders are not among its roles


def test_a_data_flow_links_to_its_agreement(steward_client: Client) -> None:
    from commonground.ecosystem.actions import do_update_flow
    from tests.factories import DataFlowFactory

    agreement = complete_agreement("studies")
    flow = do_update_flow(acting_user=None, flow=DataFlowFactory(agreement_reference=""), agreement=agreement)
    html = page(steward_client, flow.get_absolute_url())
    assert f'<a href="{agreement.get_absolute_url()}">{agreement.reference}</a> (draft)' in html
    assert agreement.reference in page(steward_client, reverse("ecosystem:flow_list"))


def test_admin_shows_agreements_and_consents_read_only(steward_client: Client) -> None:
    agreement = complete_agreement("studies")
    consent = ConsentFactory()
    for name, obj in (("agreement", agreement), ("consent", consent), ("directorydesignation", None)):
        assert steward_client.get(reverse(f"admin:governance_{name}_changelist") + "?q=x").status_code == 200
        if obj is not None:
            assert steward_client.get(reverse(f"admin:governance_{name}_add")).status_code == 403
            html = page(steward_client, reverse(f"admin:governance_{name}_change", args=[obj.pk]))
            assert 'name="_save"' not in html  # view only
    assert 'name="_save"' in page(steward_client, reverse("admin:governance_directorydesignation_add"))
