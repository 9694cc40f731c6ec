"""Benchmark of the linkage engine against plain Splink, side by side, on generated communities with ground truth.

For each size, the synthetic community is generated, the district roster (left) and the union of the four partner
rosters (right) are built with the real parsers, and the true pairs come from ``truth/ground_truth.csv``. Then
each method runs in its own child process (so its peak RSS is its own), on the same Parquet inputs:

- **ours**: :func:`commonground.linkage.engine.link.link_tables` with its defaults (link threshold 0.99);
- **plain**: Splink 5 with a default model — first name, surname, date of birth, street, city and postcode as
  six separate ``cl.`` comparisons, no nicknames, names lower-cased — trained the same way, scored at the same
  link threshold (and, for reference, at 0.5).

Run ``python bench/bench_linkage.py --sizes 10000 100000``; ``bench/run.py`` imports :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from children import in_child, peak_rss

TARGETS = {"f1": 0.985, "precision": 0.995, "blocking_recall": 0.995, "peak_rss_bytes": 4 * 1024**3}
#: From this size on, ours must also be no slower than plain Splink measured in the same run.
TIME_TARGET_FROM = 1_000_000
LINK_THRESHOLD = 0.99


def _plain_splink(left: Any, right: Any, seed: int) -> tuple[Any, int]:
    """Plain Splink: separate comparisons, no nicknames; returns (predictions ≥ 0.5, pairs scored)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from commonground.linkage.engine.duck import connect

    def shape(t: pa.Table) -> pa.Table:
        def low(name: str) -> pa.ChunkedArray:
            return pc.utf8_lower(pc.utf8_trim_whitespace(t.column(name)))

        return pa.table({"unique_id": t.column("unique_id"), "first_name": low("first_name"),
                         "surname": low("last_name"), "birth_date": t.column("birth_date"), "street": low("address"),
                         "city": low("city"), "postcode": t.column("postal_code")})  # fmt: skip

    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("street"),
            cl.ExactMatch("city"),
            cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("birth_date", "substr(first_name, 1, 1)"),
            block_on("birth_date", "substr(surname, 1, 1)"),
            block_on("postcode", "surname"),
        ],
    )
    con = connect()
    db = DuckDBAPI(con)
    frames = [
        db.register(shape(left), dataset_display_name="l_side"),
        db.register(shape(right), dataset_display_name="r_side"),
    ]
    linker = Linker(frames, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "birth_date")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in (block_on("birth_date"), block_on("first_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=2e6, estimate_without_term_frequencies=True
        )
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    # Table names below are Splink's own physical names, never user input.
    compared = int(con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0])  # noqa: S608
    scored = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    columns = "unique_id_l AS left_id, unique_id_r AS right_id, match_probability"
    table = con.sql(f"SELECT {columns} FROM {scored.physical_name}").to_arrow_table()  # noqa: S608
    con.close()
    return table, compared


def _child(method: str, folder: str, seed: int, queue: Any) -> None:
    import logging

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from commonground.linkage.engine.evaluate import pairwise_quality
    from commonground.linkage.engine.link import LinkConfig, link_tables

    logging.getLogger("splink").setLevel(logging.ERROR)
    left, right = pq.read_table(f"{folder}/left.parquet"), pq.read_table(f"{folder}/right.parquet")
    truth = pq.read_table(f"{folder}/truth.parquet")
    t0 = time.perf_counter()
    if method == "ours":
        result = link_tables(left, right, LinkConfig(seed=seed), true_pairs=truth)
        seconds = time.perf_counter() - t0
        links, compared = result.links(), result.comparisons
        extra = {"blocking_recall": round(result.blocking_recall or 0.0, 5), "stage_seconds": result.seconds,
                 "review": result.count("review"), "checks": [str(c) for c in result.checks if c.severity != "note"]}  # fmt: skip
    else:
        scored, compared = _plain_splink(left, right, seed)
        seconds = time.perf_counter() - t0
        links = scored.filter(pc.greater_equal(scored.column("match_probability"), LINK_THRESHOLD))
        extra = {"at_0_5": pairwise_quality(scored, truth).as_dict()}
    peak = peak_rss()
    quality = pairwise_quality(links, truth).as_dict()
    queue.put({**quality, "seconds": round(seconds, 2), "peak_rss_bytes": peak, "peak_rss_mb": round(peak / 1024**2),
               "pairs_compared": compared, **extra})  # fmt: skip


def _measure(method: str, folder: str, seed: int) -> dict[str, Any]:
    return in_child(_child, method, folder, seed)


def _prepare_inputs(students: int, seed: int, tmp: Path, queue: Any) -> None:
    """Generate the community and write left, right and the true pairs as Parquet (in a child process, so
    that the parsers' memory is not carried into the measured processes)."""
    import pyarrow.parquet as pq

    from commonground.demo.generator import GeneratorConfig, generate
    from commonground.linkage.engine.evalsets import load_community

    t0 = time.perf_counter()
    generate(GeneratorConfig(students=students, seed=seed, out_dir=tmp / "community"))
    t1 = time.perf_counter()
    evalset = load_community(tmp / "community")
    pq.write_table(evalset.left, tmp / "left.parquet")
    pq.write_table(evalset.right, tmp / "right.parquet")
    pq.write_table(evalset.true_pairs, tmp / "truth.parquet")
    queue.put({"students": students, "left_records": evalset.left.num_rows, "right_records": evalset.right.num_rows,
               "records": evalset.records, "true_pairs": evalset.true_pairs.num_rows,
               "generate_seconds": round(t1 - t0, 1), "load_seconds": round(time.perf_counter() - t1, 1)})  # fmt: skip


def _passed(size: int, ours: dict[str, Any], plain: dict[str, Any]) -> dict[str, bool]:
    checks = {
        "f1": ours["f1"] >= TARGETS["f1"],
        "precision": ours["precision"] >= TARGETS["precision"],
        "blocking_recall": ours["blocking_recall"] >= TARGETS["blocking_recall"],
        "peak_rss": ours["peak_rss_bytes"] < TARGETS["peak_rss_bytes"],
    }
    if size >= TIME_TARGET_FROM:
        checks["no_slower_than_plain"] = ours["seconds"] <= plain["seconds"]
    return checks


def run(sizes: tuple[int, ...] = (10_000, 100_000), seed: int = 7) -> dict[str, Any]:
    """Generate each size, run ours and plain Splink in turn; figures, ratios, targets and pass/fail."""
    results: dict[str, Any] = {}
    passed = True
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="cg-bench-link-") as tmp:
            info = in_child(_prepare_inputs, size, seed, Path(tmp))
            ours = _measure("ours", tmp, seed)
            plain = _measure("plain", tmp, seed)
        checks = _passed(size, ours, plain)
        passed &= all(checks.values())
        results[str(size)] = {**info, "ours": ours, "plain": plain, "checks": checks,
                              "ratios": {"seconds": round(ours["seconds"] / max(plain["seconds"], 1e-9), 3),
                                         "peak_rss": round(ours["peak_rss_bytes"] / max(plain["peak_rss_bytes"], 1), 3),
                                         "f1_gain": round(ours["f1"] - plain["f1"], 5)}}  # fmt: skip
    return {"benchmark": "linkage", "seed": seed, "link_threshold": LINK_THRESHOLD, "sizes": results,
            "targets": {**TARGETS, "no_slower_than_plain_from": TIME_TARGET_FROM}, "passed": passed}  # fmt: skip


def main() -> int:
    """Command line: ``--sizes`` (students) and ``--seed``; prints JSON, exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = run(tuple(args.sizes), args.seed)
    print(json.dumps(result, indent=2, default=str))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
