"""Writes of the person registry: full and incremental linkage runs (review decisions: :mod:`.review_actions`).

The engine's work (reading, training, scoring) runs outside any transaction, under a lock that lets one run
at a time; everything a run decides is then written in one transaction with its audit row.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from commonground.core import audit
from commonground.ingest import dataplane
from commonground.ingest.choices import SubmissionStatus
from commonground.ingest.models import Submission
from commonground.linkage import snapshot
from commonground.linkage.choices import HubPersonStatus, ReviewStatus, RunKind
from commonground.linkage.engine.checks import summary as checks_summary
from commonground.linkage.engine.link import LinkConfig, LinkResult, Progress, dedupe_rosters, link_to_known
from commonground.linkage.engine.prepare import prepare
from commonground.linkage.models import HubPerson, LinkRun, PersonRecord, ReviewItem
from commonground.linkage.pairs import Pairs, sort_pairs
from commonground.linkage.planning import plan_full, plan_incremental
from commonground.linkage.sources import fingerprints, read_person_rows, record_key
from commonground.linkage.writer import Plan, apply_plan, existing_records


class _Laps:
    """Seconds per stage of a run (stored with it, so a slow stage can be found)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.clock = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self.clock, 3)
        self.clock = now


class RegistryError(Exception):
    """A linkage run cannot start: the message says why and what to do."""


@contextlib.contextmanager
def linkage_lock() -> Iterator[None]:
    """One linkage run at a time on this hub (an exclusive lock on a file in the data folder)."""
    with (dataplane.data_dir() / ".linkage.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def latest_model_run() -> LinkRun | None:
    """The latest full run that trained a model (incremental runs score with its model)."""
    return LinkRun.objects.filter(kind=RunKind.FULL).exclude(model={}).order_by("-started_at", "-id").first()


def _decisions() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Accepted and rejected pairs (record keys): they override the model in every run."""
    rows = ReviewItem.objects.filter(status__in=[ReviewStatus.ACCEPTED, ReviewStatus.REJECTED]).values_list(
        "record_a__organization__slug",
        "record_a__source_person_id",
        "record_b__organization__slug",
        "record_b__source_person_id",
        "status",
    )
    accepted: list[tuple[str, str]] = []
    rejected: list[tuple[str, str]] = []
    for sa, ia, sb, ib, status in rows:
        pair = (record_key(sa, ia), record_key(sb, ib))
        (accepted if status == ReviewStatus.ACCEPTED else rejected).append(pair)
    return accepted, rejected


def _read(accepted: list[tuple[str, int]] | None = None) -> tuple[pa.Table, dict[str, str]]:
    rows = read_person_rows(accepted)
    keys = rows.column("unique_id").to_pylist()
    fps = dict(zip(keys, fingerprints(rows.column("match_text").to_pylist()), strict=True))
    return rows.drop_columns(["match_text"]), fps


def _commit(
    kind: str,
    plan: Plan,
    run_by: Any,
    started: Any,
    result: LinkResult | None,
    extra: dict[str, Any],
    known: dict[str, tuple[int, int, str, str]] | None = None,
) -> LinkRun:
    with transaction.atomic():
        run = LinkRun.objects.create(
            kind=kind,
            run_by=run_by if getattr(run_by, "pk", None) else None,
            submission=extra.pop("submission", None),
            started_at=started,
            upper=extra.pop("upper"),
            lower=extra.pop("lower"),
            model=result.model if result is not None and kind == RunKind.FULL else {},
            checks=[{"severity": c.severity, "code": c.code, "message": c.message} for c in result.checks]
            if result is not None
            else [],
            seconds=result.seconds if result is not None else {},
        )
        counts = apply_plan(plan, run, run_by, known)
        people = HubPerson.objects.filter(status=HubPersonStatus.ACTIVE).count()
        run.summary = {**extra, **counts, "active_people": people}
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
        audit.record(
            actor=run_by,
            action=f"linkage.{kind}_run",
            obj=run,
            summary=f"{run} linked {extra.get('records', 0):,} records: {counts['people_created']:,} new people, "
            f"{counts['merged']} merges, {counts['reviews_new']} new pairs for review",
            details=run.summary,
        )
    return run


def do_link(
    run_by: Any = None,
    *,
    retrain: bool | None = None,
    config: LinkConfig | None = None,
    progress: Progress | None = None,
) -> LinkRun:
    """Link every organization's current person records and bring the registry up to date.

    Trains the model on all records the first time (or when ``retrain=True``); otherwise reuses the stored model,
    so a rerun cannot move anyone's id because retrained weights tipped a borderline pair. Links with it,
    applies every human decision (accepted pairs join, rejected pairs never do — not even through others),
    and keeps hub ids stable: anyone whose records did not change keeps their id. Merges and splits are
    written to the history. Raises :class:`RegistryError` when there is nothing to link.

    Example:
        >>> run = do_link(steward)
        >>> run.summary["records"], run.summary["records_moved"]
        (5120, 0)
    """
    cfg = config or LinkConfig()
    say = progress or (lambda stage, done: None)
    laps = _Laps()
    with linkage_lock():
        started = timezone.now()
        say("reading person records", 0.0)
        rows, fps = _read()
        laps.lap("read")
        if rows.num_rows == 0:
            raise RegistryError(
                "no person records yet: ingest a roster first (commonground ingest ...), then run "
                "commonground link"
            )
        model = None
        if retrain is None:
            retrain = latest_model_run() is None
        if not retrain:
            stored = latest_model_run()
            if stored is None:
                raise RegistryError("no trained model yet: run a full linkage with training first")
            model = stored.model
        prepared = prepare(rows)
        result = dedupe_rosters(prepared, cfg, progress, model) if rows.num_rows > 1 else None
        pairs = sort_pairs(result) if result is not None else Pairs()
        laps.lap("link")
        registered = existing_records()
        old_hub = {k: v[2] for k, v in registered.items()}
        accepted, rejected = _decisions()
        plan, refused = plan_full(fps, pairs, old_hub, accepted=accepted, rejected=rejected)
        extra = {
            "records": rows.num_rows,
            "organizations": len(set(rows.column("source_group").to_pylist())),
            "pairs_compared": result.comparisons if result is not None else 0,
            "links": len(pairs.links),
            "kept_apart": len(pairs.apart),
            "refused_links": len(refused),
            "review_band": len(pairs.review),
            "model_checks": checks_summary(result.checks) if result is not None else "no model: one record",
            "upper": cfg.thresholds.upper,
            "lower": cfg.thresholds.lower,
        }
        if result is None:
            extra["warning"] = "only one person record: registered without linking"
        if result is not None and model is not None:
            result.model = model
        laps.lap("plan")
        say("writing the registry", 0.95)
        run = _commit(RunKind.FULL, plan, run_by, started, result, extra, registered)
        laps.lap("write the registry")
        snapshot.write(prepared)
        laps.lap("write the snapshot")
        run.seconds = {**run.seconds, **laps.seconds}
        update: dict[str, Any] = {"seconds": run.seconds}
        if result is not None and model is not None:  # a reused model stays with the run that trained it
            update["model"] = {}
        LinkRun.objects.filter(pk=run.pk).update(**update)
        say("done", 1.0)
        return run


def _hub_sizes(records: dict[str, tuple[int, int, str, str]], changed: set[str]) -> dict[str, int]:
    """Records per hub person of ``records``' people, not counting the records that changed (linked again)."""
    hub_of_pk = {hub_pk: hub_id for _pk, hub_pk, hub_id, _fp in records.values()}
    pks = sorted(hub_of_pk)
    out: dict[str, int] = {}
    for i in range(0, len(pks), 500):
        rows = (
            PersonRecord.objects.filter(hub_person_id__in=pks[i : i + 500])
            .values("hub_person_id")
            .annotate(n=Count("pk"))
            .values_list("hub_person_id", "n")
        )
        out.update({hub_of_pk[hub_pk]: n for hub_pk, n in rows})
    for key in changed:
        hub = records[key][2]
        out[hub] = out.get(hub, 0) - 1
    return out


def do_link_incremental(
    submission: Submission | None = None,
    run_by: Any = None,
    *,
    config: LinkConfig | None = None,
    progress: Progress | None = None,
) -> LinkRun:
    """Link only new or changed person records (those of ``submission``, or all not yet in the registry).

    New records are scored against the registry's records with the stored model: no training, and nobody
    already registered is compared with anyone else. Raises :class:`RegistryError` without a stored model.
    """
    cfg = config or LinkConfig()
    say = progress or (lambda stage, done: None)
    if submission is not None and submission.status != SubmissionStatus.ACCEPTED:
        raise RegistryError(
            f"submission {submission.pk} is {submission.status}, not accepted: nothing to link"
        )
    laps = _Laps()
    with linkage_lock():
        started = timezone.now()
        stored = latest_model_run()
        if stored is None:
            raise RegistryError("no linkage model yet: run a full linkage first (commonground link)")
        say("reading person records", 0.0)
        batches = [(submission.organization.slug, submission.pk)] if submission is not None else None
        rows, fps = _read(batches)
        laps.lap("read")
        known_records = existing_records(fps)
        changed = {k: v[2] for k, v in known_records.items() if v[3] != fps[k]}
        todo = sorted([k for k in fps if k not in known_records] + list(changed))
        extra: dict[str, Any] = {
            "records": len(todo),
            "read": rows.num_rows,
            "new_records": len(todo) - len(changed),
            "changed_records": len(changed),
            "upper": cfg.thresholds.upper,
            "lower": cfg.thresholds.lower,
            "submission": submission,
        }
        result = None
        new_prepared = prepare(rows.filter(pc.is_in(rows.column("unique_id"), pa.array(todo, pa.string()))))
        known = snapshot.read(without=todo)
        laps.lap("prepare and load the registry")
        if todo and (known is None or known.num_rows == 0):
            raise RegistryError(
                "the registry has no records to link against yet: run commonground link first"
            )
        pairs = Pairs()
        if todo and known is not None:
            result = link_to_known(new_prepared, known, stored.model, cfg, progress)
            pairs = sort_pairs(result)
            laps.lap("score")
        accepted, rejected = _decisions()
        mentioned = (
            {b for _a, b, _p in pairs.links} | {p.b for p in pairs.review} | {b for _a, b in pairs.apart}
        )
        mentioned |= {k for pair in (*accepted, *rejected) for k in pair}
        others = existing_records(mentioned - set(todo))
        known_hub = {k: v[2] for k, v in others.items()}
        pairs.links = [x for x in pairs.links if x[1] in known_hub]
        pairs.review = [x for x in pairs.review if x.b in known_hub]
        pairs.apart = [x for x in pairs.apart if x[1] in known_hub]
        sizes = _hub_sizes({**others, **known_records}, set(changed))
        plan, refused = plan_incremental(
            {k: fps[k] for k in todo}, changed, pairs, known_hub, sizes, accepted=accepted, rejected=rejected
        )
        laps.lap("plan")
        extra.update(
            links=len(pairs.links),
            kept_apart=len(pairs.apart),
            refused_links=len(refused),
            review_band=len(pairs.review),
            pairs_compared=result.comparisons if result is not None else 0,
            model_run=stored.pk,
        )
        say("writing the registry", 0.95)
        run = _commit(RunKind.INCREMENTAL, plan, run_by, started, result, extra, {**others, **known_records})
        laps.lap("write the registry")
        if todo and known is not None:
            snapshot.write(pa.concat_tables([known, new_prepared]))
        laps.lap("write the snapshot")
        LinkRun.objects.filter(pk=run.pk).update(seconds={**run.seconds, **laps.seconds})
        run.seconds = {**run.seconds, **laps.seconds}
        say("done", 1.0)
        return run


def link_after_ingest(submission: Submission, run_by: Any = None) -> LinkRun | None:
    """Link a just-accepted submission's person records, if it has any and a model exists (else None).

    Meant to be called right after ``do_ingest`` accepts a submission; until the first full run there is no
    model, so nothing happens and the first ``commonground link`` links everyone.
    """
    if submission.status != SubmissionStatus.ACCEPTED or not (submission.row_counts or {}).get("person"):
        return None
    if latest_model_run() is None:
        return None
    return do_link_incremental(submission, run_by)
