"""Who may open what: the expected answer of every route of the hub for every actor and every target.

This is the one table to read (and to change, deliberately, in review) when access changes. Every URL pattern of
the project must have an entry here — :mod:`tests.security.test_access_matrix` enumerates the resolver and fails
on a route without one, so a new page is refused until someone decides who may open it.

Actors (:data:`~tests.security.access_world.ACTORS`): one person of each role at the after-school partner
(``bright-futures``), a parent of HP-A and an eligible student (HP-C), no one (``anonymous``), and a caller that
sends the partner system's API token (``partner_token``). Targets (see :func:`~tests.security.access_world.targets`):
``partner`` is the partner's object or a child the partner serves, ``other`` another organization's object or
a child the actor has nothing to do with, ``mine`` the signed-in person's own, ``parent_link``/``student_link``
the two families' children. List pages are judged by which targets' rows they show.

For anyone not signed in (``anonymous``, and ``partner_token``: an API token opens no page) a route answers
``login`` (sent to sign in), ``allow`` (public) or ``deny``. A signed-in actor gets ``allow`` for the targets
listed for them and ``deny`` for every other target. On the API (``api:*``) a session is not a credential:
every signed-in person is treated as not signed in (401); only the partner's token is listed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

#: Every target of a route.
ALL = frozenset({"*"})
STAFF = ("hub_steward", "data_lead", "case_manager", "leader", "researcher")
FAMILY = ("parent", "eligible_student")
SIGNED_IN = STAFF + FAMILY
#: Targets of the partner's side of a relationship.
PARTNER = frozenset({"partner"})
MINE = frozenset({"mine"})


@dataclass(frozen=True)
class Rule:
    """The expected answers of one route.

    ``allow``: signed-in actor -> the targets they may open (``ALL``: every one); anyone missing is denied.
    ``public``: the targets someone not signed in sees on a public route (``anonymous="allow"``).
    ``refused``: what a signed-in person outside ``allow`` gets (the admin sends them to its own sign-in page).
    ``may``: actors for whom both answers are right (``either``): the admin, where Django's per-model
    permissions decide what a steward sees (tested with the admin), while everyone else must be sent away.
    ``anonymous``: the answer to someone not signed in. ``post``: a different ``allow`` for POST, when the
    route decides more when it is asked to act (issuing an invitation for a child) than when it shows its form.
    """

    allow: Mapping[str, Collection[str]] = field(default_factory=dict)
    anonymous: str = "login"
    post: Mapping[str, Collection[str]] | None = None
    may: Collection[str] = ()
    public: Collection[str] = ALL
    refused: str = "deny"

    def expected(self, actor: str, target: str, method: str, api: bool = False) -> str:
        """``allow``, ``deny`` or ``login`` for one cell."""
        allow = self.post if method == "POST" and self.post is not None else self.allow
        if actor in self.may:
            return "either"
        if api and actor != "partner_token":
            return self.anonymous  # the API knows tokens only: a session signs no one in
        if actor == "anonymous" or (not api and actor == "partner_token"):
            if self.anonymous == "allow" and self.public != ALL and target not in self.public:
                return "deny"
            return self.anonymous
        targets = allow.get(actor, ())
        return "allow" if targets == ALL or target in targets else self.refused


def everyone(targets: Collection[str] = ALL) -> Rule:
    """Public: no sign-in needed, and everyone signed in may open it too."""
    return Rule(allow=dict.fromkeys((*SIGNED_IN, "partner_token"), targets), anonymous="allow")


def signed_in() -> Rule:
    """Any signed-in person, whatever their role (pages that hold nothing about students, or filter by person)."""
    return Rule(allow=dict.fromkeys(SIGNED_IN, ALL))


def stewards() -> Rule:
    """Hub stewards only."""
    return Rule(allow={"hub_steward": ALL})


def submitters(lead: Collection[str] = ALL) -> Rule:
    """Stewards, and the partner's data lead (for ``lead`` targets: their own organization's)."""
    return Rule(allow={"hub_steward": ALL, "data_lead": lead})


def agreement_readers() -> Rule:
    """Stewards; the partner's data lead (a party) and its case manager (a role the signed agreement binds)."""
    return Rule(allow={"hub_steward": ALL, "data_lead": PARTNER, "case_manager": PARTNER})


def requesters() -> Rule:
    """Stewards, and the partner's data lead and case manager for the partner's requests."""
    return Rule(allow={"hub_steward": ALL, "data_lead": PARTNER, "case_manager": PARTNER})


#: Questions: the public one for everyone; the partner's proposal for its staff too; another's for stewards.
QUESTIONS = Rule(
    allow={
        "hub_steward": ALL,
        **{actor: {"public", "partner"} for actor in STAFF[1:]},
        **{actor: {"public"} for actor in FAMILY},
    },
    anonymous="allow",
    public={"public"},
)

#: Routes by name (``namespace:name``). Admin routes share one rule (see :func:`rule_for`).
TABLE: dict[str, Rule] = {
    # The ecosystem registry holds no student data: every signed-in person may read it; stewards change it.
    "ecosystem:map": signed_in(),
    "ecosystem:organization_list": signed_in(),
    "ecosystem:organization_create": stewards(),
    "ecosystem:organization_detail": signed_in(),
    "ecosystem:organization_edit": stewards(),
    "ecosystem:system_list": signed_in(),
    "ecosystem:system_create": stewards(),
    "ecosystem:system_detail": signed_in(),
    "ecosystem:system_edit": stewards(),
    "ecosystem:flow_list": signed_in(),
    "ecosystem:flow_create": stewards(),
    "ecosystem:flow_detail": signed_in(),
    "ecosystem:flow_edit": stewards(),
    # People: each person sees their own profile, memberships and training; stewards everyone's.
    "people:user_list": stewards(),
    "people:user_create": stewards(),
    "people:user_detail": Rule(allow={"hub_steward": ALL, **dict.fromkeys(SIGNED_IN[1:], MINE)}),
    "people:membership_list": stewards(),
    "people:membership_create": stewards(),
    "people:membership_detail": Rule(allow={"hub_steward": ALL, **dict.fromkeys(SIGNED_IN[1:], MINE)}),
    "people:course_list": signed_in(),
    "people:course_create": stewards(),
    "people:course_detail": signed_in(),
    "people:training_list": stewards(),
    "people:training_create": stewards(),
    "people:training_detail": Rule(allow={"hub_steward": ALL, **dict.fromkeys(SIGNED_IN[1:], MINE)}),
    # Ingest: stewards for everyone, the data lead for their own organization only.
    "ingest:submission_list": submitters(PARTNER),
    "ingest:submission_detail": submitters(PARTNER),
    "ingest:quarantine_download": submitters(PARTNER),
    "ingest:upload": submitters(),
    "ingest:mapping_wizard": submitters(),
    # A wizard sample belongs to the browser session that uploaded it: nobody else opens it, stewards included.
    "ingest:mapping_wizard_map": Rule(),
    "ingest:mapping_wizard_preview": Rule(),
    "ingest:system_tokens": stewards(),
    "ingest:system_token_revoke": stewards(),
    # Agreements: stewards manage them; parties' data leads and the staff they bind read them.
    "governance:agreement_list": agreement_readers(),
    "governance:agreement_create": stewards(),
    "governance:agreement_detail": agreement_readers(),
    "governance:agreement_edit": stewards(),
    "governance:agreement_step": stewards(),
    "governance:signatory_create": stewards(),
    "governance:signatory_update": stewards(),
    "governance:agreement_document": agreement_readers(),
    "governance:agreement_pdf": agreement_readers(),
    "governance:agreement_version": agreement_readers(),
    "governance:agreement_version_pdf": agreement_readers(),
    "governance:agreement_diff": agreement_readers(),
    # The pathfinder gives advice to anyone signed in; drafting for an organization checks the requester
    # (an empty form only sends the person back to the pathfinder).
    "governance:pathfinder": signed_in(),
    "governance:pathfinder_draft": signed_in(),
    # Consents, opt-outs and the record of disclosures name children: stewards only.
    "governance:consent_list": stewards(),
    "governance:consent_create": stewards(),
    "governance:consent_import": stewards(),
    "governance:consent_detail": stewards(),
    "governance:consent_revoke": stewards(),
    "governance:consent_receipt": stewards(),
    "governance:consent_receipt_json": stewards(),
    # Directory designations are a public notice to every signed-in person; stewards record them.
    "governance:designation_list": signed_in(),
    "governance:designation_create": stewards(),
    "governance:designation_detail": signed_in(),
    "governance:designation_edit": stewards(),
    "governance:optout_list": stewards(),
    "governance:optout_create": stewards(),
    "governance:optout_detail": stewards(),
    "governance:optout_withdraw": stewards(),
    "governance:disclosure_list": stewards(),
    "governance:destruction_list": stewards(),
    "governance:destruction_certificate": stewards(),
    "governance:destruction_certificate_json": stewards(),
    # Linkage shows records of every source side by side: stewards only.
    "linkage:review_list": stewards(),
    "linkage:review_item": stewards(),
    "linkage:person": stewards(),
    # Action lists: only the students the case manager's program serves (the gate decides what is shown).
    "actionlists:student_list": Rule(allow={**dict.fromkeys(SIGNED_IN, ()), "case_manager": PARTNER}),
    "actionlists:student_export_csv": Rule(allow={"case_manager": ALL}),
    "actionlists:student_export_xlsx": Rule(allow={"case_manager": ALL}),
    "actionlists:student_detail": Rule(allow={"case_manager": PARTNER}),
    "actionlists:request_list": Rule(
        allow={
            **dict.fromkeys(SIGNED_IN, ()),
            "hub_steward": ALL,
            "data_lead": PARTNER,
            "case_manager": PARTNER,
        }
    ),
    "actionlists:request_create": Rule(allow={"data_lead": ALL, "case_manager": ALL}),
    "actionlists:request_detail": requesters(),
    # The partner API: the token's own organization only. The schema and its page are public.
    "api:openapi-json": everyone(),
    "api:openapi-view": everyone(),
    "api:api-root": Rule(anonymous="deny"),
    "api:create_submission": Rule(allow={"partner_token": ALL}, anonymous="login"),
    # (POST to the same address is create_submission.)
    "api:list_submissions": Rule(allow={"partner_token": PARTNER}, post={"partner_token": ALL}),
    "api:get_submission": Rule(allow={"partner_token": PARTNER}, anonymous="login"),
    # Public pages: the language switch, the transparency notice, the family portal's front door, sign-in.
    "set_language": everyone(),
    "portal:transparency": everyone(),
    "portal:family_landing": everyone(),
    "portal:verify": everyone(),
    "login": everyone(),
    "admin:login": everyone(),
    "admin:logout": everyone(),
    "logout": everyone(),
    # Family pages: a family sees only its own children, by its own links.
    "portal:family_home": Rule(
        allow={
            **dict.fromkeys(SIGNED_IN, ()),
            "parent": {"parent_link"},
            "eligible_student": {"student_link"},
        }
    ),
    "portal:child": Rule(allow={"parent": {"parent_link"}, "eligible_student": {"student_link"}}),
    "portal:child_download": Rule(
        allow={"parent": {"parent_link"}, "eligible_student": {"student_link"}}, post={}
    ),  # downloads are read-only: POST is refused to everyone
    # Staff of a school or partner issue invitation codes, only for children their organization serves.
    "portal:invitation_create": Rule(
        allow={"hub_steward": ALL, "data_lead": ALL, "case_manager": ALL},
        post={"hub_steward": ALL, "data_lead": PARTNER, "case_manager": PARTNER},
    ),
    "portal:request_list": stewards(),
    "portal:request_close": stewards(),
    # Every signed-in person: their home page, the second factor, their password.
    # The question catalog: published public questions for everyone; proposals stay with their organization
    # (every partner role) and the steward, who alone reviews, publishes and retires.
    "questions:list": QUESTIONS,
    "questions:detail": QUESTIONS,
    "questions:propose": Rule(allow=dict.fromkeys(STAFF, ALL)),
    # The proposer edits their own proposal; the steward any question not retired.
    "questions:edit": Rule(allow={"hub_steward": ALL, "case_manager": PARTNER}),
    "questions:review": stewards(),
    "questions:publish": stewards(),
    "questions:retire": stewards(),
    # Releases, dashboards and evidence packs of a question with no release yet: "not found" for everyone
    # (who sees a published release is tested with the question catalog, tests/questions/).
    "questions:release": Rule(anonymous="deny"),
    "questions:release_csv": Rule(anonymous="deny"),
    "questions:dashboard": Rule(anonymous="deny"),
    "questions:evidence": Rule(anonymous="deny"),
    "home": signed_in(),
    "two_factor": signed_in(),
    "two_factor_setup": signed_in(),
    "password_change": signed_in(),
}

#: The admin: open to hub stewards (and staff); everyone else is sent to the admin's sign-in page.
ADMIN = Rule(may={"hub_steward"}, refused="login")


def rule_for(route: str) -> Rule | None:
    """The rule of one route (``None``: the table has no entry — a failure)."""
    if route in TABLE:
        return TABLE[route]
    if route.startswith(("admin:", "admin/")):
        return ADMIN
    return TABLE.get(route)
