"""Demo: the questions a district and its partners ask, proposed by their people, approved and published.

Each goes through the same actions as the web pages: a partner member proposes, the steward approves, the
steward publishes a release (a system read of the data plane, then suppression and the disclosure audit).
Idempotent: a second run proposes nothing again and publishes only what has no release yet.

Only indicators and breakdowns the demo data supports are used. Grade-3 reading and grade-8 math are answered
from the district's Ed-Fi state test results, whose subject and grade come from the Assessment metadata they
reference (as in Ed-Fi 5.x). Service gaps are shown by
school and by neighbourhood (the registry places each school in one: district files carry none). Early-warning flags are shown by program participation rather
than by school: with few suspensions per elementary school, whole-cell suppression hides every school (and the
total) at the default minimum cell size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from commonground.people.models import Membership, User
from commonground.questions.actions import do_approve_question, do_propose_question, do_publish_release
from commonground.questions.choices import Audience, Cadence, QuestionStatus
from commonground.questions.models import Question
from commonground.questions.suppression import DisclosureRisk


@dataclass(frozen=True)
class DemoQuestion:
    """One question of the demo and who proposes it (a demo username)."""

    slug: str
    proposer: str
    wording: str
    action: str
    action_taker: str
    indicators: list[str]
    breakdowns: list[list[str]]
    audience: str = Audience.LEADERS
    cadence: str = Cadence.TERM
    params: dict[str, dict[str, Any]] = field(default_factory=dict)


QUESTIONS = [
    DemoQuestion("chronic-absence-by-school", "district-lead",
                 "Which schools have the most chronically absent students, and is it changing?",
                 "Place the district's attendance outreach workers at the schools with the highest rates.",
                 "Superintendent's office and school principals", ["chronic_absence"], [["school"], ["year"]],
                 Audience.PUBLIC),
    DemoQuestion("attendance-by-grade", "superintendent",
                 "In which grades does attendance slip?",
                 "Time family engagement campaigns to the grades where attendance drops.",
                 "Superintendent's office", ["attendance_rate"], [["grade"]]),
    DemoQuestion(
        "early-warning-by-program",
        "district-lead",
        "Do students in a community program show fewer early-warning signs in attendance, behaviour and course "
        "performance than other students?",
        "Decide which early-warning flags the partners' mentoring and tutoring should target.",
        "District student support office with the program directors",
        ["early_warning"],
        [["program"]],
    ),
    DemoQuestion("chronic-absence-by-grade-and-sex", "superintendent",
                 "Are girls and boys equally likely to be chronically absent, and in which grades is it worst?",
                 "Choose the grades and groups that the mentoring partners recruit first.",
                 "Superintendent's office with the mentoring program", ["chronic_absence"], [["grade"], ["sex"]]),
    DemoQuestion("program-dosage-by-school", "coordinator",
                 "How many students does the after-school program reach at each school, and how much service "
                 "does each participant get?",
                 "Move program staff and hours to the schools where reach or dosage is low.",
                 "After-school program director", ["program_dosage"], [["school"]], Audience.PARTNERS),
    DemoQuestion("participants-vs-comparison", "funder",
                 "At each school, do program participants attend more than similar students who do not take part?",
                 "Decide whether to renew and expand the foundation's after-school grant.",
                 "Community Foundation grants committee", ["matched_comparison"], [["school"]], Audience.LEADERS,
                 Cadence.ANNUAL),
    DemoQuestion("service-gaps-by-school", "funder",
                 "Where are chronically absent students who no program serves?",
                 "Direct new grants and program sites to the schools and neighbourhoods with the widest gap.",
                 "Community Foundation and district leadership", ["service_gaps"], [["school"], ["neighborhood"]],
                 Audience.PUBLIC,
                 Cadence.ANNUAL),
    DemoQuestion("attendance-participants", "coordinator",
                 "Is attendance higher among students in a community program than among those who are not?",
                 "Show families and schools what program participation is associated with, and recruit.",
                 "Program coordinators", ["attendance_rate", "chronic_absence"], [["program"]], Audience.PARTNERS),
    DemoQuestion("grade3-reading-by-school", "superintendent",
                 "At which elementary schools are the fewest third graders reading at a proficient level?",
                 "Send reading coaches and after-school reading time to the schools with the lowest grade-3 "
                 "proficiency.",
                 "Superintendent's office with the after-school program", ["grade3_reading"], [["school"]],
                 Audience.PUBLIC, Cadence.ANNUAL),
    DemoQuestion("grade8-math-by-school", "district-lead",
                 "At which middle schools are the fewest eighth graders proficient in mathematics?",
                 "Place math intervention teachers and after-school math tutoring at the schools with the lowest "
                 "grade-8 proficiency before students start high school.",
                 "District curriculum office and middle-school principals", ["grade8_math"], [["school"]],
                 Audience.LEADERS, Cadence.ANNUAL),
]  # fmt: skip


def _owner(user: User) -> Any:
    membership = Membership.objects.active().filter(user=user).select_related("organization").first()
    return membership.organization if membership else None


def load_demo_questions() -> dict[str, Any]:
    """Propose, approve and publish the demo questions; returns counts, refusals and the time it took."""
    started = time.perf_counter()
    steward = User.objects.filter(username="steward").first()
    if steward is None:
        return {"questions": 0, "published": 0, "refused": [], "seconds": 0.0}
    refused: list[str] = []
    for spec in QUESTIONS:
        question = Question.objects.filter(slug=spec.slug).first()
        if question is None:
            proposer = User.objects.filter(username=spec.proposer).first() or steward
            owner = _owner(proposer) or _owner(steward)
            question = do_propose_question(
                acting_user=proposer, owner=owner, slug=spec.slug, wording=spec.wording, action=spec.action,
                action_taker=spec.action_taker, indicators=spec.indicators, breakdowns=spec.breakdowns,
                params=spec.params, audience=spec.audience, cadence=spec.cadence,
            )  # fmt: skip
        if question.status == QuestionStatus.PROPOSED:
            question = do_approve_question(
                acting_user=steward, question=question, note="Approved for the demo community."
            )
        if question.status == QuestionStatus.APPROVED and not question.releases.exists():
            try:
                do_publish_release(acting_user=steward, question=question)
            except DisclosureRisk as exc:
                refused.append(f"{spec.slug}: {str(exc).splitlines()[0]}")
    slugs = [q.slug for q in QUESTIONS]
    return {
        "questions": Question.objects.filter(slug__in=slugs).count(),
        "published": Question.objects.filter(slug__in=slugs, status=QuestionStatus.PUBLISHED).count(),
        "refused": refused,
        "seconds": round(time.perf_counter() - started, 2),
    }
