"""The steward pages of certificates: the list, one certificate with its check, and the signed JSON download."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from commonground.core.chain import canonical_json
from commonground.core.signing import verify
from commonground.governance.destruction import do_destroy_agreement_data
from commonground.governance.models import DestructionCertificate
from tests.governance import destruction_world as w

pytestmark = pytest.mark.django_db


def _certificate() -> DestructionCertificate:
    world = w.build()
    return do_destroy_agreement_data(world.agreement, acting_user=None, reason="Ended", method="Crypto-shred")


def test_stewards_see_the_certificates_and_download_the_signed_json(steward_client: Client) -> None:
    record = _certificate()
    listing = steward_client.get(reverse("governance:destruction_list")).content.decode()
    assert record.certificate_id in listing and "DSA-ENDED" in listing
    page = steward_client.get(record.get_absolute_url()).content.decode()
    assert "Verified: the signature" in page and "Cryptographic erase" in page and "grand-bend" in page
    download = steward_client.get(
        reverse("governance:destruction_certificate_json", args=[record.certificate_id])
    )
    assert download["Content-Disposition"].startswith("attachment")
    signed = json.loads(download.content)
    assert verify(canonical_json(signed["body"]), signed["signature"], signed["public_key"])


def test_an_edited_certificate_says_so_on_its_page(steward_client: Client) -> None:
    record = _certificate()
    record.body["verification"]["scans"][0]["rows"] = 0
    record.body["destroyed"]["organizations"] = ["someone-else"]
    record.save()
    page = steward_client.get(record.get_absolute_url()).content.decode()
    assert "does NOT verify" in page and "its signature does not verify" in page


def test_only_stewards_may_see_certificates(member_client: Client) -> None:
    record = _certificate()
    assert member_client.get(reverse("governance:destruction_list")).status_code == 403
    assert member_client.get(record.get_absolute_url()).status_code == 403
    url = reverse("governance:destruction_certificate_json", args=[record.certificate_id])
    assert member_client.get(url).status_code == 403
    assert Client().get(url).status_code == 302
