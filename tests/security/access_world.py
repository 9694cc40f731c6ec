"""The community the access matrix is walked over: one person of every role, and objects on both sides of every
relationship the pages care about.

It extends the action-list community (:mod:`tests.actionlists.world`: a district, the after-school partner whose
coordinator serves HP-A..HP-C, another program serving HP-D) with the rest of the hub: a steward, the partner's
data lead, leader and researcher, a parent of HP-A and an eligible student (HP-C), system tokens of the partner and
of the district, agreement versions and signatories, directory designations and opt-outs, a linkage review pair,
data requests made by the partner and by the other program, and family requests.

Every object the matrix requests comes in (at least) two kinds, named by :data:`Targets`: one the actor is related
to (``partner``: the partner's; ``mine``: the signed-in person's own) and one they are not (``other``: another
organization's or another child's) — the IDOR half of the matrix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from commonground.actionlists.models import DataRequest
from commonground.ecosystem.models import DataFlow, Organization
from commonground.governance.actions.versions import new_version
from commonground.governance.models import (
    Agreement,
    Consent,
    DestructionCertificate,
    DirectoryDesignation,
    DirectoryOptOut,
    Signatory,
)
from commonground.ingest.models import Submission, SystemToken
from commonground.ingest.token_actions import do_issue_system_token
from commonground.linkage.models import HubPerson, PersonRecord, ReviewItem
from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User
from commonground.portal.models import FamilyLink, FamilyRequest
from commonground.questions.models import Question
from tests.actionlists.world import build
from tests.factories import InformationSystemFactory, OrganizationFactory
from tests.governance.gate_world import staff
from tests.ingest.test_quarantine_pages import quarantined_submission

NOW = timezone.now()
TODAY = timezone.localdate()

#: The people of the matrix: every role of :class:`~commonground.people.choices.Role`, and no one.
ACTORS = (
    "anonymous",
    "hub_steward",
    "data_lead",
    "case_manager",
    "leader",
    "researcher",
    "parent",
    "eligible_student",
)
#: Callers of the partner API: a token of the partner's system, and the same requests with no token at all.
API_ACTORS = ("partner_token", "no_token")

#: A route's targets: name -> URL keyword arguments (``None``: this actor has no such object; skip the cell).
Targets = dict[str, dict[str, Any] | None]


@dataclass
class AccessWorld:
    """The people, their tokens and the objects of the matrix."""

    users: dict[str, User]
    tokens: dict[str, str]
    objects: dict[str, Any] = field(default_factory=dict)


def _family(username: str, org: Organization, hub_id: str, relationship: str, role: str) -> FamilyLink:
    user = User.objects.create_user(username=username, password="x-" + username, display_name=username)
    Membership.objects.create(user=user, organization=org, role=role, starts_on=TODAY)
    return FamilyLink.objects.create(
        user=user, hub_person_id=hub_id, relationship=relationship, verified_at=NOW, verified_by="test"
    )


def _record(person: HubPerson, org: Organization, source_id: str) -> PersonRecord:
    return PersonRecord.objects.create(
        hub_person=person, organization=org, source_person_id=source_id, fingerprint=source_id * 2,
        first_seen_at=NOW, updated_at=NOW,
    )  # fmt: skip


def _linkage(district: Organization, partner: Organization) -> tuple[HubPerson, ReviewItem]:
    person = HubPerson.objects.create(hub_id="HP-A", status="active", created_at=NOW)
    other = HubPerson.objects.create(hub_id="HP-Q", status="active", created_at=NOW)
    item = ReviewItem.objects.create(
        record_a=_record(person, district, "1001"), record_b=_record(other, partner, "P-9"),
        probability=0.7, match_weight=1.2, created_at=NOW,
    )  # fmt: skip
    return person, item


def _request(user: User, asking: Organization, disclosing: Organization, reason: str) -> DataRequest:
    return DataRequest.objects.create(
        requester=user, requesting_organization=asking, disclosing_organization=disclosing,
        kind="new", reason=reason,
    )  # fmt: skip


def _question(slug: str, owner: Organization, by: User, status: str, audience: str) -> Question:
    return Question.objects.create(
        slug=slug, wording=f"Question {slug}?", owner=owner, audience=audience, action="Plan outreach",
        action_taker="Director", indicators=["chronic_absence"], breakdowns=[["school"]], status=status,
        proposed_by=by, proposed_at=NOW, updated_at=NOW,
    )  # fmt: skip


def build_world(folder: Path) -> AccessWorld:
    """Create the community (ingesting the district's and the partner's files) and return it."""
    base = build(folder)
    district, partner, other = base.district, base.partner, base.other
    hub = OrganizationFactory(slug="hub", kind="hub", name="The Hub")
    users = {
        "hub_steward": staff("hub_steward", hub),
        "data_lead": staff("data_lead", partner),
        "case_manager": base.coordinator,
        "leader": staff("leader", partner),
        "researcher": staff("researcher", partner),
    }
    parent = _family("parent-of-a", district, "HP-A", "parent", "parent")
    student = _family("student-c", district, "HP-C", "eligible_student", "eligible_student")
    users["parent"], users["eligible_student"] = parent.user, student.user
    other_lead = staff("data_lead", other)

    partner_system = InformationSystemFactory(organization=partner, name="Partner program database")
    district_system = InformationSystemFactory(organization=district, name="District SIS", kind="sis")
    tokens = {
        "partner": do_issue_system_token(acting_user=None, system=partner_system, name="partner nightly")[1],
        "district": do_issue_system_token(acting_user=None, system=district_system, name="district nightly")[
            1
        ],
    }
    flow = DataFlow.objects.create(
        source=district_system, target=partner_system, what="Attendance", frequency="weekly", method="upload"
    )
    other_agreement = Agreement.objects.exclude(pk=base.agreement.pk).get()
    with transaction.atomic():
        for agreement in (base.agreement, other_agreement):
            new_version(agreement, acting_user=None, note="matrix")
    signatory = Signatory.objects.create(
        agreement=base.agreement, name="A Signer", title="Director", organization=partner
    )
    course = TrainingCourse.objects.get()
    designation = DirectoryDesignation.objects.create(
        district=district, elements=["person.first_name"], notice_published_on=TODAY,
        notice_reference="Notice 1", opt_out_deadline=TODAY, effective_from=TODAY,
    )  # fmt: skip
    opt_out = DirectoryOptOut.objects.create(
        district=district, source_organization=district, source_person_id="1004", student_name="Dan Diaz",
        requested_by="A Parent", relationship="parent", received_on=TODAY,
    )  # fmt: skip
    person, item = _linkage(district, partner)
    family_request = FamilyRequest.objects.create(
        link=parent, kind="inspect", details="Show me everything", due_on=TODAY + dt.timedelta(days=45)
    )
    objects: dict[str, Any] = {
        "district": district, "partner": partner, "other": other, "hub": hub,
        "partner_system": partner_system, "district_system": district_system, "flow": flow,
        "partner_agreement": base.agreement, "other_agreement": other_agreement, "signatory": signatory,
        "partner_consent": Consent.objects.filter(hub_person_id="HP-A").get(),
        "other_consent": Consent.objects.filter(hub_person_id="HP-B").get(),
        "course": course, "designation": designation, "opt_out": opt_out,
        "hub_person": person, "review_item": item,
        "certificate": DestructionCertificate.objects.create(
            certificate_id="c" * 32, kind="student", hub_person_id="HP-Q", issued_at=dt.datetime.now(dt.UTC),
            performed_by_label="steward", body={"destroyed": {"organizations": []}, "sanitization_details": {}},
            body_sha256="", public_key="", signature="",
        ),
        "partner_submission": Submission.objects.filter(organization=partner).first(),
        "district_submission": Submission.objects.filter(organization=district).first(),
        "partner_quarantine": quarantined_submission(partner),
        "district_quarantine": quarantined_submission(district),
        "partner_token": SystemToken.objects.get(system=partner_system),
        "district_token": SystemToken.objects.get(system=district_system),
        "partner_request": _request(base.coordinator, partner, district, "Partner request"),
        "other_request": _request(other_lead, other, district, "Other program request"),
        "parent_link": parent, "student_link": student, "family_request": family_request,
        "other_user": other_lead,
        "public_question": _question("public-q", district, users["hub_steward"], "published", "public"),
        "partner_question": _question("partner-q", partner, base.coordinator, "proposed", "partners"),
        "other_question": _question("other-q", other, other_lead, "proposed", "partners"),
    }  # fmt: skip
    return AccessWorld(users=users, tokens=tokens, objects=objects)


def own(world: AccessWorld, actor: str, model: type[Any], owner_field: str = "user") -> int | None:
    """The pk of ``actor``'s own ``model`` row (``None`` when they have none, or are anonymous)."""
    user = world.users.get(actor)
    if user is None:
        return None
    return model._default_manager.filter(**{owner_field: user}).values_list("pk", flat=True).first()  # type: ignore[no-any-return]


def targets(world: AccessWorld, route: str, actor: str) -> Targets:
    """The objects ``route`` is requested with, by name (a route without arguments has one target, ``page``)."""
    o = world.objects
    mine_user = world.users[actor].pk if actor in world.users else None
    by_route: dict[str, Targets] = {
        "ecosystem:organization_detail": {"partner": {"slug": "bright-futures"}, "other": {"slug": "riverbend"}},
        "ecosystem:organization_edit": {"partner": {"slug": "bright-futures"}, "other": {"slug": "riverbend"}},
        "ecosystem:system_detail": {"partner": {"pk": o["partner_system"].pk}, "other": {"pk": o["district_system"].pk}},
        "ecosystem:system_edit": {"partner": {"pk": o["partner_system"].pk}, "other": {"pk": o["district_system"].pk}},
        "ecosystem:flow_detail": {"other": {"pk": o["flow"].pk}},
        "ecosystem:flow_edit": {"other": {"pk": o["flow"].pk}},
        "people:user_detail": {"mine": mine_user and {"pk": mine_user}, "other": {"pk": o["other_user"].pk}},
        "people:membership_detail": {
            "mine": _pk(own(world, actor, Membership)),
            "other": {"pk": Membership.objects.get(user=o["other_user"]).pk},
        },
        "people:course_detail": {"other": {"slug": o["course"].slug}},
        "people:training_detail": {
            "mine": _pk(own(world, actor, TrainingRecord)),
            "other": {"pk": TrainingRecord.objects.exclude(user=world.users["case_manager"]).first().pk},  # type: ignore[union-attr]
        },
        "ingest:submission_detail": {"partner": {"pk": o["partner_submission"].pk}, "other": {"pk": o["district_submission"].pk}},
        "ingest:quarantine_download": {
            "partner": {"pk": o["partner_quarantine"].pk, "table": "attendance_event"},
            "other": {"pk": o["district_quarantine"].pk, "table": "attendance_event"},
        },
        "ingest:mapping_wizard_map": {"other": {"token": "0" * 32}},
        "ingest:mapping_wizard_preview": {"other": {"token": "0" * 32}},
        "ingest:system_tokens": {"partner": {"pk": o["partner_system"].pk}, "other": {"pk": o["district_system"].pk}},
        "ingest:system_token_revoke": {
            "partner": {"pk": o["partner_system"].pk, "token_pk": o["partner_token"].pk},
            "other": {"pk": o["district_system"].pk, "token_pk": o["district_token"].pk},
        },
        "governance:agreement_detail": _agreements(o),
        "governance:agreement_edit": _agreements(o),
        "governance:agreement_step": {k: {**v, "step": "submit"} for k, v in _agreements(o).items()},
        "governance:signatory_create": _agreements(o),
        "governance:signatory_update": {"partner": {"pk": o["signatory"].pk}},
        "governance:agreement_document": _agreements(o),
        "governance:agreement_pdf": _agreements(o),
        "governance:agreement_version": {k: {**v, "number": 1} for k, v in _agreements(o).items()},
        "governance:agreement_version_pdf": {k: {**v, "number": 1} for k, v in _agreements(o).items()},
        "governance:agreement_diff": _agreements(o),
        "governance:consent_detail": _consents(o),
        "governance:consent_revoke": _consents(o),
        "governance:consent_receipt": _consents(o),
        "governance:consent_receipt_json": _consents(o),
        "governance:designation_detail": {"other": {"pk": o["designation"].pk}},
        "governance:designation_edit": {"other": {"pk": o["designation"].pk}},
        "governance:optout_detail": {"other": {"pk": o["opt_out"].pk}},
        "governance:optout_withdraw": {"other": {"pk": o["opt_out"].pk}},
        "governance:destruction_certificate": {"other": {"certificate_id": o["certificate"].certificate_id}},
        "governance:destruction_certificate_json": {"other": {"certificate_id": o["certificate"].certificate_id}},
        "linkage:review_item": {"other": {"pk": o["review_item"].pk}},
        "linkage:person": {"partner": {"hub_id": "HP-A"}, "other": {"hub_id": "HP-Q"}},
        "actionlists:student_detail": {"partner": {"hub_id": "HP-A"}, "other": {"hub_id": "HP-D"}},
        "actionlists:request_detail": {"partner": {"pk": o["partner_request"].pk}, "other": {"pk": o["other_request"].pk}},
        "portal:child": _links(o),
        "portal:child_download": _links(o),
        "portal:request_close": {"other": {"pk": o["family_request"].pk}},
        # List pages: a target is "shown" when its marker (a link to it) is on the page.
        "governance:agreement_list": _listed(o, "partner_agreement", "other_agreement", lambda a: a.reference),
        "ingest:submission_list": _listed(o, "partner_submission", "district_submission", _submission_link),
        "actionlists:request_list": _listed(o, "partner_request", "other_request", lambda r: f"/requests/{r.pk}/"),
        "actionlists:student_list": {"partner": {"_marker": "/students/HP-A/"}, "other": {"_marker": "/students/HP-D/"}},
        "portal:family_home": {
            "parent_link": {"_marker": f"/family/children/{o['parent_link'].pk}/"},
            "student_link": {"_marker": f"/family/children/{o['student_link'].pk}/"},
        },
        "api:list_submissions": _listed(o, "partner_submission", "district_submission", lambda s: f'"submission": {s.pk},'),
        # Issuing an invitation: for a child the partner serves, and for one it does not.
        "portal:invitation_create": {
            "partner": {"_data": {"hub_person_id": "HP-A", "relationship": "parent"}},
            "other": {"_data": {"hub_person_id": "HP-D", "relationship": "parent"}},
        },
        # Questions: published for the public, proposed by the partner, proposed by another program.
        "questions:list": {k: {"_marker": f"/questions/{slug}/"} for k, slug in _QUESTIONS.items()},
        "questions:detail": {k: {"slug": slug} for k, slug in _QUESTIONS.items()},
        "questions:review": {k: {"slug": slug} for k, slug in _QUESTIONS.items()},
        "questions:edit": {k: {"slug": slug} for k, slug in _QUESTIONS.items()},
        "questions:publish": {k: {"slug": slug} for k, slug in _QUESTIONS.items()},
        "questions:retire": {k: {"slug": slug} for k, slug in _QUESTIONS.items()},
        "questions:release": {"public": {"slug": "public-q", "version": 1}},
        "questions:release_csv": {"public": {"slug": "public-q", "version": 1}},
        "questions:dashboard": {"public": {"slug": "public-q"}},
        "questions:evidence": {"public": {"slug": "public-q", "fmt": "html"}},
        "api:get_submission": {"partner": {"submission_id": o["partner_submission"].pk}, "other": {"submission_id": o["district_submission"].pk}},
    }  # fmt: skip
    return by_route.get(route, {"page": {}})


_QUESTIONS = {"public": "public-q", "partner": "partner-q", "other": "other-q"}


def _listed(o: dict[str, Any], partner: str, other: str, marker: Any) -> Targets:
    return {"partner": {"_marker": marker(o[partner])}, "other": {"_marker": marker(o[other])}}


def _submission_link(submission: Submission) -> str:
    return f"/ingest/submissions/{submission.pk}/"


def _pk(value: int | None) -> dict[str, Any] | None:
    return None if value is None else {"pk": value}


def _agreements(o: dict[str, Any]) -> Targets:
    return {"partner": {"pk": o["partner_agreement"].pk}, "other": {"pk": o["other_agreement"].pk}}


def _consents(o: dict[str, Any]) -> Targets:
    return {"partner": {"pk": o["partner_consent"].pk}, "other": {"pk": o["other_consent"].pk}}


def _links(o: dict[str, Any]) -> Targets:
    return {"parent_link": {"pk": o["parent_link"].pk}, "student_link": {"pk": o["student_link"].pk}}
