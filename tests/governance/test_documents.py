"""The written agreement for every basis: each required element is in the HTML page and in the PDF, and an
agreement missing any one of them cannot be activated — the refusal names it and its citation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from commonground.governance import actions, documents, snapshot
from commonground.governance.requirements import BASES, REQUIREMENTS, refusal
from tests.governance.builders import complete_agreement, expected_text, mark_signed, removal
from tests.governance.pdftext import pdf_text

pytestmark = pytest.mark.django_db
CASES = [(basis, req.key) for basis in BASES for req in REQUIREMENTS[basis]]


@pytest.mark.parametrize("basis", BASES)
def test_complete_document_has_every_required_element_in_html_and_pdf(
    basis: str, steward_client: Client
) -> None:
    agreement = complete_agreement(basis)
    html = steward_client.get(reverse("governance:agreement_document", args=[agreement.pk])).content.decode()
    html = html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    text = pdf_text(documents.render_pdf(snapshot.build(agreement), compress=False))
    for req in REQUIREMENTS[basis]:
        for where, content in (("HTML", html), ("PDF", text)):
            assert req.heading in content, (where, req.key)
            assert req.citation in content, (where, req.key)
            for value in expected_text(req.key, basis):
                assert value in content, (where, req.key, value)
    for content in (html, text):
        assert "Not stated." not in content and "MISSING" not in content
        assert "FERPA basics" in content and "Breach notice (State Student Privacy Act s. 5)" in content


@pytest.mark.parametrize("basis", BASES)
def test_complete_agreement_activates(basis: str) -> None:
    agreement = mark_signed(complete_agreement(basis))
    agreement = actions.do_activate_agreement(acting_user=None, agreement=agreement)
    assert agreement.status == "active" and agreement.activated_at is not None


@pytest.mark.parametrize(("basis", "key"), CASES, ids=[f"{b}-{k}" for b, k in CASES])
def test_activation_refuses_each_missing_element_naming_it(basis: str, key: str) -> None:
    agreement = complete_agreement(basis)
    agreement = actions.do_update_agreement(acting_user=None, agreement=agreement, **removal(key, basis))
    agreement = mark_signed(agreement)
    with pytest.raises(ValidationError) as refused:
        actions.do_activate_agreement(acting_user=None, agreement=agreement)
    req = next(r for r in REQUIREMENTS[basis] if r.key == key)
    assert len(refused.value.messages) == 1, refused.value.messages
    message = refused.value.messages[0]
    assert (
        message.startswith("The agreement cannot be activated: ") and f"required by {req.citation}" in message
    )
    agreement.refresh_from_db()
    assert agreement.status == "signed" and agreement.activated_at is None
    # The document flags the gap instead of hiding it.
    text = pdf_text(documents.render_pdf(snapshot.build(agreement), compress=False))
    assert f"MISSING: {req.heading} ({req.citation})" in text


def test_studies_refusal_reads_as_the_brief_says() -> None:
    agreement = mark_signed(complete_agreement("studies", destruction_deadline=None))
    with pytest.raises(ValidationError) as refused:
        actions.do_activate_agreement(acting_user=None, agreement=agreement)
    assert refused.value.messages == [
        "The agreement cannot be activated: it has no destruction deadline "
        "(required by 34 CFR 99.31(a)(6)(iii)(C)(4) for studies)."
    ]
    assert refusal("x", "y", "studies").endswith("(required by y for studies).")


def test_several_gaps_are_all_named() -> None:
    agreement = mark_signed(
        complete_agreement("audit_evaluation", destruction_deadline=None, protection_policies="", purpose="")
    )
    with pytest.raises(ValidationError) as refused:
        actions.do_activate_agreement(acting_user=None, agreement=agreement)
    text = " ".join(refused.value.messages)
    for citation in ("99.35(a)(3)(ii)(B)", "99.35(a)(3)(iv)", "99.35(a)(3)(v)"):
        assert citation in text


def test_pdf_download(steward_client: Client) -> None:
    agreement = complete_agreement("studies")
    response = steward_client.get(reverse("governance:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response.content.startswith(b"%PDF-") and b"T-studies.pdf" in response["Content-Disposition"].encode()
    )
    # Compressed by default; the same terms give the same bytes.
    assert response.content == documents.render_pdf(snapshot.build(agreement))


def test_pdf_copes_with_characters_outside_its_fonts() -> None:
    agreement = complete_agreement("consent", purpose="Services → better attendance ≤ 10 days, 日本 ✓")
    text = pdf_text(documents.render_pdf(snapshot.build(agreement), compress=False))
    assert "Services -> better attendance <= 10 days, ?? v" in text
