"""Every write of the question catalog: one transaction each, with its audit row inside.

Partners propose; the hub steward's governance review approves or declines (with a reason); the steward
publishes releases and retires questions. A release is computed first (a system read of the data plane, audited
by the gate) and stored in its own transaction only once it passed the disclosure audit; a ``DisclosureRisk``
stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.questions import catalog, pipeline
from commonground.questions.choices import RELEASABLE, Audience, Cadence, QuestionStatus
from commonground.questions.models import Question, Release
from commonground.questions.suppression import DEFAULT_MIN_CELL, SuppressionError, check_min_cell

#: Fields an edit may change (each change bumps the question's version).
EDITABLE = ("wording", "audience", "action", "action_taker", "indicators", "breakdowns", "params", "cadence")


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("owner").get(pk=question.pk)


def _require_steward(acting_user: Any, what: str) -> None:
    if not catalog.may_review(acting_user):
        raise PermissionDenied(f"Only the hub steward may {what}.")


def _check_text(errors: dict[str, list[str]], name: str, value: str, message: str) -> None:
    if not str(value).strip():
        errors.setdefault(name, []).append(message)


def _check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate plain fields and the indicator spec; raise one ``ValidationError`` listing every problem."""
    errors: dict[str, list[str]] = {}
    _check_text(errors, "wording", fields["wording"], "Write the question in plain words.")
    _check_text(errors, "action", fields["action"], "Say which decision or action the answer informs.")
    _check_text(errors, "action_taker", fields["action_taker"], "Say who takes that action.")
    if fields["audience"] not in Audience.values:
        errors["audience"] = [f"Audience must be one of {', '.join(Audience.values)}."]
    if fields["cadence"] not in Cadence.values:
        errors["cadence"] = [f"Cadence must be one of {', '.join(Cadence.values)}."]
    try:
        indicators, breakdowns, params = catalog.check_spec(
            fields["indicators"], fields["breakdowns"], fields["params"]
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
        indicators, breakdowns, params = [], [], {}
    if errors:
        raise ValidationError(errors)
    clean = {k: str(fields[k]).strip() for k in ("wording", "audience", "action", "action_taker", "cadence")}
    return {**clean, "indicators": indicators, "breakdowns": breakdowns, "params": params}


@transaction.atomic
def do_propose_question(
    *,
    acting_user: Any,
    owner: Organization,
    slug: str,
    wording: str,
    action: str,
    action_taker: str,
    indicators: Iterable[str],
    breakdowns: Iterable[Iterable[str]] = (),
    params: Mapping[str, Any] | None = None,
    audience: str = Audience.LEADERS,
    cadence: str = Cadence.ANNUAL,
) -> Question:
    """A partner member proposes a question for ``owner`` (an organization they act for); it waits for review."""
    if owner.pk not in catalog.partner_organizations(acting_user) and not catalog.may_review(acting_user):
        raise PermissionDenied(
            "Only a member of the organization (or the hub steward) may propose its questions."
        )
    slug = slug.strip().lower()
    fields = _check_fields(
        {"wording": wording, "audience": audience, "action": action, "action_taker": action_taker,
         "indicators": list(indicators), "breakdowns": [list(b) for b in breakdowns], "params": params or {},
         "cadence": cadence}
    )  # fmt: skip
    if slug in catalog.RESERVED_SLUGS:
        raise ValidationError({"slug": [f"{slug!r} is reserved for a page of the catalog; choose another."]})
    if Question.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [f"A question named {slug!r} already exists."]})
    now = timezone.now()
    question = Question(
        slug=slug, owner=owner, proposed_by=acting_user, proposed_at=now, updated_at=now, **fields
    )
    question.full_clean()
    question.save()
    audit.record(
        actor=acting_user,
        action="questions.propose",
        obj=question,
        summary=f"Proposed question {slug!r} for {owner.name}",
        details={
            "indicators": fields["indicators"],
            "breakdowns": fields["breakdowns"],
            "audience": audience,
        },
    )
    return question


@transaction.atomic
def do_edit_question(*, acting_user: Any, question: Question, **changes: Any) -> Question:
    """Change a question; its version goes up by one when anything changed.

    The proposer edits a proposed or declined question (a declined one goes back to review); the steward
    edits any question that is not retired.
    """
    question = _locked(question)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(f"These fields cannot be edited: {', '.join(unknown)}.")
    steward = catalog.may_review(acting_user)
    own = question.proposed_by_id == getattr(acting_user, "pk", None)
    if question.status == QuestionStatus.RETIRED:
        raise ValidationError("A retired question cannot be edited; propose a new one.")
    if not steward and not (own and question.status in (QuestionStatus.PROPOSED, QuestionStatus.DECLINED)):
        raise PermissionDenied(
            "Only the proposer (before approval) or the hub steward may edit this question."
        )
    fields = _check_fields({name: changes.get(name, getattr(question, name)) for name in EDITABLE})
    changed = {k: [str(getattr(question, k)), str(v)] for k, v in fields.items() if getattr(question, k) != v}
    if not changed:
        return question
    for name, value in fields.items():
        setattr(question, name, value)
    question.version += 1
    question.updated_at = timezone.now()
    if question.status == QuestionStatus.DECLINED:
        question.status = QuestionStatus.PROPOSED
    question.full_clean()
    question.save()
    audit.record(
        actor=acting_user,
        action="questions.edit",
        obj=question,
        summary=f"Edited question {question.slug!r} (now version {question.version})",
        details={"changes": changed, "version": question.version},
    )
    return question


def _review(acting_user: Any, question: Question, status: str, note: str) -> Question:
    question = _locked(question)
    if question.status != QuestionStatus.PROPOSED:
        raise ValidationError(
            f"Question {question.slug!r} is {question.get_status_display().lower()}; only a proposed question "
            "can be reviewed."
        )
    question.status, question.review_note = status, note.strip()
    question.reviewed_by, question.reviewed_at = acting_user, timezone.now()
    question.updated_at = question.reviewed_at
    question.save()
    verb = "Approved" if status == QuestionStatus.APPROVED else "Declined"
    audit.record(
        actor=acting_user,
        action=f"questions.{'approve' if status == QuestionStatus.APPROVED else 'decline'}",
        obj=question,
        summary=f"{verb} question {question.slug!r}",
        details={"note": question.review_note, "version": question.version},
    )
    return question


@transaction.atomic
def do_approve_question(*, acting_user: Any, question: Question, note: str = "") -> Question:
    """Governance review approves a proposed question (hub steward)."""
    _require_steward(acting_user, "approve questions")
    return _review(acting_user, question, QuestionStatus.APPROVED, note)


@transaction.atomic
def do_decline_question(*, acting_user: Any, question: Question, reason: str) -> Question:
    """Governance review declines a proposed question, saying why (hub steward)."""
    _require_steward(acting_user, "decline questions")
    if not reason.strip():
        raise ValidationError({"note": ["Say why the question is declined."]})
    return _review(acting_user, question, QuestionStatus.DECLINED, reason)


@transaction.atomic
def do_retire_question(*, acting_user: Any, question: Question, reason: str = "") -> Question:
    """Stop answering a question (hub steward); its releases stay published as they were."""
    _require_steward(acting_user, "retire questions")
    question = _locked(question)
    if question.status not in RELEASABLE:
        raise ValidationError(
            f"Question {question.slug!r} is {question.get_status_display().lower()}; only an approved or "
            "published question can be retired."
        )
    now = timezone.now()
    question.status, question.retired_at, question.updated_at = QuestionStatus.RETIRED, now, now
    question.save()
    audit.record(
        actor=acting_user,
        action="questions.retire",
        obj=question,
        summary=f"Retired question {question.slug!r}",
        details={"reason": reason.strip()},
    )
    return question


def check_releasable(question: Question, min_cell: object) -> int:
    """The minimum cell size, once the question may get a release (``ValidationError`` says why not)."""
    try:
        size = check_min_cell(min_cell)
    except SuppressionError as exc:
        raise ValidationError({"min_cell": [str(exc)]}) from None
    if question.status not in RELEASABLE:
        raise ValidationError(
            f"Question {question.slug!r} is {question.get_status_display().lower()}; only an approved or "
            "published question gets a release."
        )
    return size


def do_publish_release(*, acting_user: Any, question: Question, min_cell: int = DEFAULT_MIN_CELL) -> Release:
    """Compute and publish the next release of an approved or published question (hub steward, or the CLI).

    The computation reads the data plane as a system read (the gate audits it) and protects every table
    against this release's other tables and the question's earlier releases. If the audit refuses,
    ``DisclosureRisk`` (listing the cells) propagates and nothing is stored. Otherwise the release, the
    question's new status and the audit row are written in one transaction.
    """
    if acting_user is not None:
        _require_steward(acting_user, "publish releases")
    question = Question.objects.select_related("owner").get(pk=question.pk)
    size = check_releasable(question, min_cell)
    earlier = list(question.releases.order_by("version"))
    number = (earlier[-1].version if earlier else 0) + 1
    computed = pipeline.compute(question, number=number, min_cell=size, earlier=earlier, actor=acting_user)
    with transaction.atomic():
        locked = _locked(question)
        latest = locked.releases.aggregate(last=Max("version"))["last"] or 0
        if latest != number - 1 or locked.version != question.version or locked.status not in RELEASABLE:
            raise ValidationError(
                f"Question {question.slug!r} changed while release {number} was computed; publish again."
            )
        release = Release(
            question=locked, version=number, question_version=locked.version, created_at=timezone.now(),
            created_by=acting_user, min_cell=size, provenance=computed.provenance, csv_text=computed.csv_text,
            sha256=computed.sha256, rows=computed.rows, suppressed_rows=computed.suppressed_rows,
        )  # fmt: skip
        release.full_clean()
        release.save()
        if locked.status == QuestionStatus.APPROVED:
            locked.status = QuestionStatus.PUBLISHED
            locked.updated_at = release.created_at
            locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=acting_user,
            action="questions.publish_release",
            obj=release,
            summary=f"Published release {number} of question {question.slug!r}",
            details={
                "question": question.slug, "version": number, "question_version": locked.version,
                "min_cell": size, "sha256": computed.sha256, "rows": computed.rows,
                "suppressed_rows": computed.suppressed_rows,
                "submissions": [s["id"] for s in computed.provenance["submissions"]],
            },
        )  # fmt: skip
    return release
