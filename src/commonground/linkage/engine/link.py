"""Link two sets of person records, or find duplicates in one: prepare, train, check, block, score, decide.

The input tables carry canonical ``person`` columns (:mod:`commonground.ingest.connectors.canonical`) and a
``unique_id``; an optional ``source_group`` names the roster a record came from (one-to-one is enforced per
group). Everything runs in an embedded DuckDB connection that is closed at the end.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker

from . import model as template
from .checks import Check, DegenerateModel, check_model, check_training
from .decide import LINK, Thresholds, decide
from .duck import connect, quiet_splink
from .prepare import is_prepared, prepare
from .train import default_prior, regularise, train

#: ``progress(stage, fraction_done)`` — called as each stage starts.
Progress = Callable[[str, float], None]
_DISPLAY = ("left_records", "right_records")


@dataclass(frozen=True)
class LinkConfig:
    """How to run: thresholds, one-to-one, the random seed, sample sizes and an optional DuckDB memory cap.

    ``memory_limit`` (e.g. ``"2GB"``) makes DuckDB spill to a temporary folder instead of growing past it.
    """

    thresholds: Thresholds = field(default_factory=Thresholds)
    one_to_one: bool = True
    seed: int = 42
    u_pairs: float = 1e6
    em_pairs: float = 2e6
    memory_limit: str | None = None
    allow_degenerate: bool = False


@dataclass
class LinkResult:
    """Decided pairs (at or above the lower threshold), with what it took to get them.

    ``pairs`` has ``left_id, right_id, left_group, right_group, match_probability, match_weight``, one
    ``mw_<comparison>`` and ``level_<comparison>`` per comparison, ``decision`` and ``reason``.
    """

    pairs: pa.Table
    comparisons: int
    checks: list[Check]
    model: dict[str, Any]
    thresholds: Thresholds
    seconds: dict[str, float]
    blocking_recall: float | None = None

    @property
    def prior_weight(self) -> float:
        """The starting match weight of every pair (log2 of the prior odds), the first bar of a waterfall."""
        p = float(self.model["probability_two_random_records_match"])
        return math.log2(p / (1 - p))

    def links(self) -> pa.Table:
        """Only the pairs decided ``link``."""
        return self.pairs.filter(pc.equal(self.pairs.column("decision"), LINK))

    def count(self, decision: str) -> int:
        """How many pairs got ``decision``."""
        return int(pc.sum(pc.equal(self.pairs.column("decision"), decision)).as_py() or 0)


def link_tables(
    left: pa.Table,
    right: pa.Table,
    config: LinkConfig | None = None,
    progress: Progress | None = None,
    true_pairs: pa.Table | None = None,
) -> LinkResult:
    """Link ``left`` to ``right`` (``link_only``); ``true_pairs`` (left_id, right_id) measures blocking recall."""
    return _run([left, right], "link_only", config or LinkConfig(), progress, true_pairs)


def dedupe_table(
    table: pa.Table, config: LinkConfig | None = None, progress: Progress | None = None
) -> tuple[LinkResult, pa.Table]:
    """Find duplicates within ``table``; return the pairs and ``id, cluster_id`` for every record."""
    cfg = config or LinkConfig()
    result = _run([table], "dedupe_only", replace(cfg, one_to_one=False), progress, None)
    return result, clusters(table.column("unique_id").to_pylist(), result.links())


def dedupe_rosters(
    table: pa.Table,
    config: LinkConfig | None = None,
    progress: Progress | None = None,
    model: dict[str, Any] | None = None,
) -> LinkResult:
    """Find the records of one person across several rosters in one table (``source_group`` names each roster).

    Every pair is compared (``dedupe_only``) and one-to-one holds per roster: a record links to at most one
    record of each other roster. With ``model`` (a trained model's JSON) nothing is trained.
    """
    return _run([table], "dedupe_only", config or LinkConfig(), progress, None, model)


def link_to_known(
    new: pa.Table,
    known: pa.Table,
    model: dict[str, Any],
    config: LinkConfig | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Score ``new`` records against ``known`` ones with a trained ``model`` (no training, no known×known pairs).

    The ``left_*`` columns of the result are the new records, ``right_*`` the known ones. Each record keeps its
    own ``source_group`` (its roster), so the twins guard and one-to-one see rosters as a full run does.
    """
    cfg = config or LinkConfig()
    return _run([new, known], "link_only", cfg, progress, None, model)


def clusters(ids: list[str], links: pa.Table) -> pa.Table:
    """Connected components of the links: ``id, cluster_id`` (the smallest id in the cluster)."""
    parent = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(links.column("left_id").to_pylist(), links.column("right_id").to_pylist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return pa.table({"id": ids, "cluster_id": [root(i) for i in ids]})


def _run(
    tables: list[pa.Table],
    link_type: template.LinkType,
    config: LinkConfig,
    progress: Progress | None,
    true_pairs: pa.Table | None,
    model: dict[str, Any] | None = None,
) -> LinkResult:
    say = progress or (lambda stage, done: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    say("preparing records", 0.0)
    prepared = [
        t if is_prepared(t) else prepare(_with_group(t, _DISPLAY[i] if len(tables) > 1 else ""))
        for i, t in enumerate(tables)
    ]
    lap("prepare")
    sizes = [p.num_rows for p in prepared]
    prior = default_prior(sizes[0], sizes[1] if len(sizes) > 1 else None)
    spill = tempfile.TemporaryDirectory(prefix="cg-linkage-") if config.memory_limit else None
    con = connect(config.memory_limit, spill.name if spill else None)
    try:
        with quiet_splink():
            db = DuckDBAPI(con)
            frames = [db.register(p, dataset_display_name=_DISPLAY[i]) for i, p in enumerate(prepared)]
            if model is not None:
                final, checks = _given(model, link_type), check_model(model)
                names = [str(c["output_column_name"]) for c in final["comparisons"]]
                lap("train")
            else:
                names = template.usable_comparisons(prepared)
                say("training the model", 0.1)
                settings = template.settings(link_type, prior, names=names)
                n_pairs = sizes[0] * sizes[1] if len(sizes) > 1 else sizes[0] * (sizes[0] - 1) // 2
                trained, checks = train(
                    frames,
                    settings,
                    seed=config.seed,
                    u_pairs=config.u_pairs,
                    em_pairs=config.em_pairs,
                    pairs=n_pairs,
                )
                checks += check_training(trained, template.RARE_LEVELS)
                final, notes = regularise(trained, prior)
                checks += notes + check_model(final)
                lap("train")
            if any(c.severity == "error" for c in checks) and not config.allow_degenerate:
                raise DegenerateModel(checks)
            scorer = Linker(frames, final, log_level=None, validate_settings=False)
            say("finding candidate pairs", 0.5)
            blocked = scorer.inference.compute_blocked_pairs_for_predict()
            count_sql = f"SELECT count(*) FROM {blocked.physical_name}"  # noqa: S608 - Splink's table name
            compared = int(con.execute(count_sql).fetchall()[0][0])
            recall = (
                _blocking_recall(con, blocked.physical_name, true_pairs) if true_pairs is not None else None
            )
            lap("block")
            say("scoring pairs", 0.6)
            scored = scorer.inference.predict(
                threshold_match_probability=config.thresholds.lower, warning_mode="never"
            )
            blocked.drop_table_from_database_and_remove_from_cache()
            lap("predict")
            say("deciding", 0.9)
            pairs = decide(
                con,
                scored.physical_name,
                config.thresholds,
                one_to_one=config.one_to_one,
                records=sum(sizes),
                names=names,
            )
            lap("decide")
    finally:
        con.close()
        if spill is not None:
            spill.cleanup()
    say("done", 1.0)
    return LinkResult(pairs, compared, checks, final, config.thresholds, seconds, recall)


def _given(model: dict[str, Any], link_type: template.LinkType) -> dict[str, Any]:
    """A stored model for another link type (a model trained by ``dedupe_only`` scores ``link_only`` pairs)."""
    out = dict(model)
    out["link_type"] = link_type
    return out


def _with_group(table: pa.Table, default: str) -> pa.Table:
    """Give records without a roster name their side's: two files are two rosters, one file is one."""
    values = pa.array([default] * table.num_rows, pa.string())
    if "source_group" not in table.column_names:
        return table.append_column("source_group", values)
    filled = pc.coalesce(table.column("source_group"), values)
    return table.set_column(table.schema.get_field_index("source_group"), "source_group", filled)


def _blocking_recall(con: Any, blocked: str, true_pairs: pa.Table) -> float:
    """Share of the true pairs that the blocking rules put forward for scoring."""
    if true_pairs.num_rows == 0:
        return 1.0
    con.register("cg_true_pairs", true_pairs)
    # ``blocked`` is Splink's own table name, never user input.
    sql = f"""WITH b AS (SELECT split_part(join_key_l, '-__-', -1) AS l, split_part(join_key_r, '-__-', -1) AS r
                         FROM {blocked}),
                   both_ways AS (SELECT l AS a, r AS z FROM b UNION ALL SELECT r AS a, l AS z FROM b)
              SELECT count(*) FROM cg_true_pairs t SEMI JOIN both_ways w ON w.a = t.left_id AND w.z = t.right_id"""  # noqa: S608
    found = con.execute(sql).fetchall()[0][0]
    con.unregister("cg_true_pairs")
    return float(found) / true_pairs.num_rows
