"""A child process for the action crash test: the hub's writing actions in a loop, killed at random by the parent.

Run as ``python -m tests.security.crash_actions_driver MODE ...`` with ``COMMONGROUND_HOME`` (and ``DATABASE_URL``
on PostgreSQL) set to the crash test's hub:

- ``setup FOLDER``: the world the actions need — the organizations, a steward, a case manager bound by a
  school-official agreement to read the district's attendance through the gate, a family linked to a child,
  and two person rosters for linkage (linked once, to train the model) — then prints ``setup ok``.
- ``work PREFIX SEED``: loads Django, prints ``loaded`` and waits for ``go`` on stdin; then runs actions one after
  another, printing ``begin KEY KIND`` before each and ``done KEY KIND TOKEN`` after its transaction committed
  (TOKEN: what ``verify`` will list for it — the key, the agreement submitted, the linkage run — or ``none``). The
  parent kills it with SIGKILL at a random moment. ``work PREFIX SEED once`` runs every kind once and exits.
  ``go KIND FRACTION`` instead of ``go``: the child kills itself inside an action of KIND, at the Python call that
  lies FRACTION of the way through it (counted on one whole run of KIND first) — so kills reach the quick
  actions too, which a kill at a random moment seldom hits.
- ``verify``: reports, as one JSON object, which actions are present in full, which in part (never expected), and
  every key whose rows or audit entries were found.

Every action writes a key (``PREFIX-n``) into what it creates, so the parent can tell which actions happened.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

KINDS = ("agreement", "submit", "consent", "revoke", "disclosure", "family_request", "linkage")
ELEMENTS = ["attendance_event.category", "attendance_event.date"]


def say(*parts: object) -> None:
    """One line to the parent, flushed at once."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def setup(folder: str) -> None:
    """Create the world (directly and through actions, in a fresh hub)."""
    from commonground.ingest.actions import do_ingest
    from commonground.linkage.actions import do_link
    from commonground.portal.models import FamilyLink
    from tests.governance import builders
    from tests.governance.gate_world import holds_record, make_agreement, staff
    from tests.governance.test_gate_read import MAPPING
    from tests.linkage.registry_helpers import FAMILIES, publish, roster

    here = Path(folder)
    world = builders.World()
    steward = staff("hub_steward", world.hub)
    make_agreement(
        basis="school_official", purpose="school_official", disclosing=[world.district],
        recipients=[world.partner], roles=["case_manager"], elements=ELEMENTS, reference="CRASH-GATE",
    )  # fmt: skip
    staff("case_manager", world.partner)
    rows = []
    for i in range(1, 21):
        holds_record(f"HP-{i:03d}", world.district, str(1000 + i))
        rows += [f"{1000 + i},101,9/{d}/2025,{'AEP'[d % 3]}" for d in range(2, 6)]
    path = here / "attendance.csv"
    path.write_text("Student,School,Day,Code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    sub = do_ingest(
        acting_user=None, organization=world.district, fmt="tabular", paths=[path], mapping=MAPPING
    )
    assert sub.status == "accepted", sub.report
    parent = staff("parent", world.district)
    FamilyLink.objects.create(
        user=parent,
        hub_person_id="HP-001",
        relationship="parent",
        verified_at=sub.submitted_at,
        verified_by="test",
    )
    publish(here, "link-district", roster(1, FAMILIES))
    publish(here, "link-club", roster(101, FAMILIES[:5]))
    do_link(steward)  # trains the model once; the crash loop reruns with it
    say("setup ok")


def _actors() -> dict[str, Any]:
    from commonground.people.models import User

    return {
        "steward": User.objects.get(username__startswith="hub_steward"),
        "case_manager": User.objects.get(username__startswith="case_manager"),
        "parent": User.objects.get(username__startswith="parent"),
    }


def _actions(actors: dict[str, Any]) -> dict[str, Callable[[str], Any]]:
    """Each kind of action, as a function of its key (``None`` when there is nothing to act on yet)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from commonground.governance import actions, gate
    from commonground.governance.models import Agreement, Consent, PopulationFact
    from commonground.portal.actions import do_open_request
    from commonground.portal.models import FamilyLink
    from tests.governance import builders

    world = builders.World()

    def agreement(key: str) -> Any:
        return builders.complete_agreement("consent", world, reference=key).reference

    def submit(key: str) -> Any:
        draft = Agreement.objects.filter(reference__startswith="K", status="draft").order_by("?").first()
        if draft is None:
            return None
        return actions.do_submit_agreement_for_review(
            acting_user=actors["steward"], agreement=draft
        ).reference

    def consent(key: str) -> Any:
        actions.do_record_consent(
            acting_user=actors["steward"], recipients=[world.partner], source_organization=world.district,
            collected_by=world.district, source_person_id=key, student_name="A Student", signer_name="A Parent",
            relationship="parent", elements=ELEMENTS, purpose="Follow up on absences.",
            purpose_category="direct_services", signed_on=timezone.localdate() - dt.timedelta(days=3),
            signature_method="paper", form_reference=key,
        )  # fmt: skip
        return key

    def revoke(key: str) -> Any:
        open_one = Consent.objects.filter(source_person_id__startswith="K", revoked_at__isnull=True).first()
        if open_one is None:
            return None
        actions.do_revoke_consent(
            acting_user=actors["steward"], consent=open_one, requested_by=key, reason="Crash test"
        )
        return key

    def disclosure(key: str) -> Any:
        subjects = list(
            PopulationFact.objects.filter(kind="record", organization=world.district)
            .order_by("?").values_list("hub_person_id", flat=True)[:5]
        )  # fmt: skip
        decision = gate.authorize(actors["case_manager"], "school_official", subjects, ELEMENTS)
        with transaction.atomic():
            rows = gate.read(decision, "attendance_event", "view", path=f"/crash/{key}")
        return key if rows.num_rows else None

    def family_request(key: str) -> Any:
        link = FamilyLink.objects.get(user=actors["parent"])
        do_open_request(user=actors["parent"], link=link, kind="inspect", details=key)
        return key

    def linkage(key: str) -> Any:
        from commonground.linkage.actions import do_link  # Splink loads slowly: only children that link pay

        return do_link(actors["steward"]).pk

    return {
        "agreement": agreement, "submit": submit, "consent": consent, "revoke": revoke,
        "disclosure": disclosure, "family_request": family_request, "linkage": linkage,
    }  # fmt: skip


class CallCounter:
    """A profile hook that counts Python and C calls and, once armed, SIGKILLs this process at call number N."""

    def __init__(self) -> None:
        self.calls = 0
        self.kill_at: int | None = None

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            self.calls += 1
            if self.kill_at is not None and self.calls >= self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    def run(self, action: Callable[[str], Any], key: str) -> Any:
        sys.setprofile(self)
        try:
            return action(key)
        finally:
            sys.setprofile(None)


def work(prefix: str, seed: str, once: bool = False) -> None:
    """Wait for ``go``, then act until killed (or, ``once``, every kind once)."""
    actors = _actors()
    act = _actions(actors)
    say("loaded")
    target = None if once else sys.stdin.readline().split()[1:]
    rng = random.Random(int(seed))
    weights = [3, 2, 3, 2, 3, 2, 1]  # linkage is the slow one: rarer, so kills land in every kind
    plan: Iterator[str] = iter(KINDS) if once else (rng.choices(KINDS, weights)[0] for _ in iter(int, 1))
    counter = CallCounter()
    if target:
        kind, fraction = target[0], float(target[1])
        plan = itertools.repeat(kind)  # the first run is counted whole, a later one killed
    for n, kind in enumerate(plan):
        key = f"K{prefix}-{n}"
        say("begin", key, kind)
        if target and n == 1:
            counter.kill_at = max(1, math.ceil(fraction * counter.calls))
            counter.calls = 0
        token = counter.run(act[kind], key) if target else act[kind](key)
        say("done", key, kind, "none" if token is None else token)
    say("finished")


def verify() -> None:
    """Which actions are there in full, and anything present in part."""
    from django.db.models import Count

    from commonground.core.models import AuditEvent
    from commonground.governance.models import Agreement, Consent, DisclosureRecord
    from commonground.linkage.models import LinkRun
    from commonground.portal.models import FamilyRequest

    partial: list[str] = []
    present: dict[str, list[str]] = {kind: [] for kind in KINDS}

    def audited(obj: Any, action: str) -> int:
        return AuditEvent.objects.filter(
            object_type=obj._meta.label, object_id=str(obj.pk), action=action
        ).count()

    for agreement in Agreement.objects.filter(reference__startswith="K"):
        parts = agreement.parties.count(), agreement.required_training.count()
        if audited(agreement, "governance.create_agreement") != 1 or parts != (3, 1):
            partial.append(f"agreement {agreement.reference}: audit/parties/training {parts}")
        present["agreement"].append(agreement.reference)
        submits = audited(agreement, "governance.submit_agreement")
        versions = agreement.versions.count()
        if (agreement.status == "in_review") != (submits == 1) or versions != submits:
            partial.append(
                f"submit {agreement.reference}: {agreement.status}, {submits} audit, {versions} versions"
            )
        if submits:
            present["submit"].append(agreement.reference)
    for consent in Consent.objects.filter(source_person_id__startswith="K"):
        if audited(consent, "governance.record_consent") != 1 or consent.recipients.count() != 1:
            partial.append(f"consent {consent.source_person_id}")
        present["consent"].append(consent.source_person_id)
        revokes = audited(consent, "governance.revoke_consent")
        if (consent.revoked_at is not None) != (revokes == 1):
            partial.append(f"revoke of {consent.source_person_id}: {consent.revoked_at}, {revokes} audit")
        if consent.revoked_at is not None:
            present["revoke"].append(consent.revocation_requested_by)
    disclosed = (
        DisclosureRecord.objects.filter(route_path__startswith="/crash/")
        .values("route_path").annotate(n=Count("pk")).values_list("route_path", "n")
    )  # fmt: skip
    chained = {
        tuple(e.details["records"]): e.details["count"]
        for e in AuditEvent.objects.filter(action="governance.disclose")
    }
    for path, n in disclosed:
        pks = list(
            DisclosureRecord.objects.filter(route_path=path).order_by("pk").values_list("pk", flat=True)
        )
        if chained.get((pks[0], pks[-1])) != n:
            partial.append(f"disclosure {path}: {n} records, audit says {chained.get((pks[0], pks[-1]))}")
        present["disclosure"].append(path.removeprefix("/crash/"))
    for request in FamilyRequest.objects.filter(details__startswith="K"):
        if audited(request, "portal.open_request") != 1:
            partial.append(f"family request {request.details}")
        present["family_request"].append(request.details)
    runs = LinkRun.objects.count()
    run_audits = AuditEvent.objects.filter(action__startswith="linkage.", action__endswith="_run").count()
    if runs != run_audits or LinkRun.objects.filter(finished_at__isnull=True).exists():
        partial.append(f"linkage: {runs} runs, {run_audits} audit entries")
    present["linkage"] = [str(pk) for pk in LinkRun.objects.values_list("pk", flat=True)]
    say("state", json.dumps({"partial": partial, "present": present, "audit": AuditEvent.objects.count()}))


def main(argv: list[str]) -> None:
    """Start Django on the hub the environment names, then run one mode."""
    from commonground.cli.bootstrap import setup_django

    setup_django(migrate=False)
    if argv[0] == "setup":
        setup(argv[1])
    elif argv[0] == "work":
        work(argv[1], argv[2], once=argv[3:] == ["once"])
    elif argv[0] == "verify":
        verify()
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
