"""The question catalog's rules: a question's indicator spec checked against the library, and who sees and does what.

One condition per line in the permission helpers, so tests cover each case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from commonground.people.choices import Role
from commonground.people.models import Membership
from commonground.people.permissions import is_steward
from commonground.questions.choices import Audience, QuestionStatus
from commonground.questions.indicators import INDICATORS, IndicatorError, get_indicator
from commonground.questions.indicators.breakdowns import check as check_breakdowns
from commonground.questions.indicators.params import resolve
from commonground.questions.models import Question

#: Roles that act for a partner organization (families are not partners: they use the portal).
PARTNER_ROLES = (Role.HUB_STEWARD, Role.DATA_LEAD, Role.CASE_MANAGER, Role.LEADER, Role.RESEARCHER)
#: Roles that read questions meant for leaders.
LEADER_ROLES = (Role.HUB_STEWARD, Role.DATA_LEAD, Role.LEADER)
#: Slugs that would collide with the catalog's own pages.
RESERVED_SLUGS = frozenset({"propose", "new", "releases"})
#: Statuses everyone allowed by the audience sees; proposed and declined questions stay with their proposers.
SETTLED = (QuestionStatus.APPROVED, QuestionStatus.PUBLISHED, QuestionStatus.RETIRED)


def check_spec(
    indicators: Iterable[str], breakdowns: Iterable[Iterable[str]], params: Mapping[str, Any] | None
) -> tuple[list[str], list[list[str]], dict[str, dict[str, Any]]]:
    """The question's indicators, breakdown sets and parameters, validated against the indicator library.

    Raises ``ValidationError`` keyed by field (``indicators``, ``breakdowns``, ``params``) with a message that
    names what is wrong and what is allowed. No breakdown set means one set: the overall total (``[]``).
    """
    ids = [str(i).strip() for i in indicators]
    errors: dict[str, list[str]] = {}
    if not ids:
        errors["indicators"] = ["Name at least one indicator."]
    if len(set(ids)) != len(ids):
        errors.setdefault("indicators", []).append("An indicator is listed twice.")
    for indicator_id in ids:
        try:
            found = get_indicator(indicator_id)
        except IndicatorError as exc:
            errors.setdefault("indicators", []).append(str(exc))
            continue
        if not found.available:
            errors.setdefault("indicators", []).append(
                f"{found.title} ({found.id}) is not available: {found.unavailable_reason}"
            )
    sets = [[str(d).strip() for d in one] for one in breakdowns] or [[]]
    if len({tuple(s) for s in sets}) != len(sets):
        errors.setdefault("breakdowns", []).append("A breakdown set is listed twice.")
    given = dict(params or {})
    if "indicators" not in errors:
        for indicator_id in ids:
            indicator = INDICATORS[indicator_id]
            for one in sets:
                try:
                    check_breakdowns(one, indicator.breakdowns, indicator.id)
                except IndicatorError as exc:
                    errors.setdefault("breakdowns", []).append(str(exc))
        stray = sorted(set(given) - set(ids))
        if stray:
            errors.setdefault("params", []).append(
                f"parameters given for {', '.join(stray)}, which the question does not use"
            )
        for indicator_id, values in given.items():
            if indicator_id not in ids:
                continue
            if not isinstance(values, Mapping):
                errors.setdefault("params", []).append(
                    f"parameters of {indicator_id} must be name: value pairs"
                )
                continue
            try:
                resolve(INDICATORS[indicator_id].params, values, indicator_id)
            except IndicatorError as exc:
                errors.setdefault("params", []).append(str(exc))
    if errors:
        raise ValidationError(errors)
    clean = {k: dict(v) for k, v in given.items() if v}
    return ids, sets, clean


def partner_organizations(user: Any) -> list[int]:
    """Organizations ``user`` acts for as a partner (an active membership in a partner role)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.active()
        .filter(user=user, role__in=PARTNER_ROLES)
        .values_list("organization_id", flat=True)
        .distinct()
    )


def may_propose(user: Any) -> bool:
    """Any partner member (and the hub steward) may propose a question."""
    return bool(partner_organizations(user))


def may_review(user: Any) -> bool:
    """Governance review of questions (approve, decline, publish, retire) is the hub steward's."""
    return is_steward(user)


def reads_leader_questions(user: Any) -> bool:
    """Stewards, data leads and leaders read questions meant for leaders."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.active().filter(user=user, role__in=LEADER_ROLES).exists()


def visible_questions(user: Any) -> QuerySet[Question]:
    """Questions ``user`` may see.

    Signed out (and families): published questions for the public. Partners: settled questions for the public
    and partners, for leaders too when they read leader questions, every question of their own organizations,
    and what they proposed. Stewards: everything.
    """
    questions = Question.objects.select_related("owner", "proposed_by", "reviewed_by")
    if is_steward(user):
        return questions
    public = Q(audience=Audience.PUBLIC, status=QuestionStatus.PUBLISHED)
    orgs = partner_organizations(user)
    if not orgs:
        return questions.filter(public)
    audiences = [Audience.PUBLIC, Audience.PARTNERS]
    if reads_leader_questions(user):
        audiences.append(Audience.LEADERS)
    settled = Q(status__in=SETTLED, audience__in=audiences)
    own = Q(owner_id__in=orgs) | Q(proposed_by=user)
    return questions.filter(public | settled | own)


def public_questions() -> QuerySet[Question]:
    """Published questions for the public (the transparency page lists them)."""
    return Question.objects.filter(audience=Audience.PUBLIC, status=QuestionStatus.PUBLISHED).order_by("slug")
