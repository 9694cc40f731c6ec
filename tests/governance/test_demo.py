"""The demo's governance: agreements at every stage, paper consents from the after-school roster, a directory
designation — and a second run writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.core.models import AuditEvent
from commonground.demo.governance import CONSENTS, load_governance
from commonground.demo.load import load_community
from commonground.demo.people import load_people
from commonground.governance.models import Agreement, Consent, DirectoryDesignation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    from commonground.demo.generator import GeneratorConfig, generate

    out = tmp_path_factory.mktemp("community")
    result = generate(GeneratorConfig(students=150, seed=11, out_dir=out))
    return result.manifest, out


def test_demo_governance_once(community: tuple[dict[str, Any], Path]) -> None:
    manifest, root = community
    load_community(manifest)
    load_people(manifest)
    made = load_governance(manifest, root)
    assert made == {"agreements": 5, "consents": CONSENTS}
    statuses = dict(Agreement.objects.values_list("reference", "status"))
    assert statuses["DSA-AFTERSCHOOL"] == "active" and statuses["RES-STUDY-ATTENDANCE"] == "active"
    assert statuses["EVAL-CITY-ELO"] == "in_review"
    # the hub's own operating agreement (the linkage review page reads records under it)
    hub_ops = Agreement.objects.get(reference="HUB-LINKAGE")
    assert hub_ops.status == "active" and hub_ops.legal_basis == "school_official"
    assert hub_ops.recipient_roles == ["hub_steward"] and hub_ops.parties_in("recipient")[0].kind == "hub"
    drafts = Agreement.objects.filter(status="draft")
    assert drafts.count() == 1 and drafts.get().legal_basis == "consent"
    services = Agreement.objects.get(reference="DSA-AFTERSCHOOL")
    assert [c.slug for c in services.required_training.all()] == ["ferpa-basics"]
    assert services.recipient_roles == ["case_manager", "data_lead"]
    assert {s.title for s in services.signatories.all()} == {"Superintendent", "Executive Director"}
    consents = Consent.objects.filter(collected_by=services.parties_in("recipient")[0])
    assert consents.count() == CONSENTS and consents.filter(revoked_at__isnull=False).count() == 1
    assert all(c.source_person_id and c.form_reference for c in consents)
    assert DirectoryDesignation.objects.count() == 1
    before = AuditEvent.objects.count()
    assert load_governance(manifest, root) == {"agreements": 0, "consents": 0}
    assert AuditEvent.objects.count() == before


def test_demo_flows_name_their_agreements(community: tuple[dict[str, Any], Path]) -> None:
    from commonground.ecosystem.models import DataFlow

    manifest, root = community
    load_community(manifest)
    load_people(manifest)
    load_governance(manifest, root)
    linked = DataFlow.objects.filter(agreement__isnull=False).select_related("agreement")
    assert {f.agreement.reference for f in linked} == {
        "DSA-AFTERSCHOOL",
        "RES-STUDY-ATTENDANCE",
        "EVAL-CITY-ELO",
    }
    assert all(f.agreement_reference == f.agreement.reference for f in linked)
