"""Benchmark of privacy-preserving linkage (CLK encodings) against plaintext linkage on the same data.

A synthetic community is generated; the district roster (left) and each partner roster (right, one encoded file
per partner, as partners would send them) are encoded with one shared secret and linked with
:func:`~commonground.linkage.engine.privacy.match.link_encoded`. The plaintext engine
(:func:`~commonground.linkage.engine.link.link_tables`, defaults) links the same records in the same run. Both are
scored against the generator's ground truth; the report also gives fill ratios and timings.

Run ``python bench/bench_privacy.py --students 10000``; ``bench/run.py --only privacy`` imports :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

#: Encoded linking must reach these against ground truth (measured: see CHANGELOG / operator guide).
TARGETS = {"precision": 0.98, "recall": 0.90, "fill_mean_max": 0.6}
SECRET = b"bench-secret-0123456789abcdef-not-for-production"


def encoded_quality(evalset: Any, threshold: float, bits: int = 1024) -> dict[str, Any]:
    """Encode both sides (right side per partner), link the encodings and score them against the truth."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from commonground.linkage.engine.evaluate import pairwise_quality
    from commonground.linkage.engine.privacy.clk import encode_people
    from commonground.linkage.engine.privacy.match import link_encoded
    from commonground.linkage.engine.privacy.quality import fill_ratios
    from commonground.linkage.engine.privacy.store import EncodedFile

    def as_file(name: str, table: pa.Table) -> tuple[EncodedFile, Any]:
        enc = encode_people(table, SECRET, bits)
        blocks = enc.table.drop_columns(["id", "clk"])
        ids = enc.table.column("id").to_pylist()
        return EncodedFile(name, ids, enc.filters, blocks, bits, enc.fingerprint), fill_ratios(enc)

    t0 = time.perf_counter()
    left, fill_left = as_file("district", evalset.left)
    groups = sorted(set(evalset.right.column("source_group").to_pylist()))
    rights = [
        as_file(g, evalset.right.filter(pc.equal(evalset.right.column("source_group"), g))) for g in groups
    ]
    t1 = time.perf_counter()
    links = pa.concat_tables([link_encoded(left, right, threshold) for right, _ in rights])
    t2 = time.perf_counter()
    fills = np.concatenate([fill_left, *(f for _, f in rights)])
    return {
        "threshold": threshold,
        **pairwise_quality(links, evalset.true_pairs).as_dict(),
        "fill_mean": round(float(fills.mean()), 4),
        "fill_max": round(float(fills.max()), 4),
        "encode_seconds": round(t1 - t0, 2),
        "link_seconds": round(t2 - t1, 2),
    }


def plaintext_quality(evalset: Any) -> dict[str, Any]:
    """The plaintext engine with its defaults on the same records."""
    from commonground.linkage.engine.evaluate import pairwise_quality
    from commonground.linkage.engine.link import LinkConfig, link_tables

    t0 = time.perf_counter()
    result = link_tables(evalset.left, evalset.right, LinkConfig())
    quality = pairwise_quality(result.links(), evalset.true_pairs).as_dict()
    return {**quality, "seconds": round(time.perf_counter() - t0, 2)}


def run(
    students: int = 10_000, seed: int = 7, thresholds: tuple[float, ...] = (0.7, 0.75, 0.8, 0.85)
) -> dict[str, Any]:
    """Generate a community, link it encoded (at each threshold) and in plaintext; report figures and targets."""
    from commonground.demo.generator import GeneratorConfig, generate
    from commonground.linkage.engine.evalsets import load_community
    from commonground.linkage.engine.privacy.match import DEFAULT_THRESHOLD

    with tempfile.TemporaryDirectory() as tmp:
        generate(GeneratorConfig(students=students, seed=seed, out_dir=Path(tmp)))
        evalset = load_community(Path(tmp))
    encoded = {f"{t:g}": encoded_quality(evalset, t) for t in sorted({*thresholds, DEFAULT_THRESHOLD})}
    plain = plaintext_quality(evalset)
    default = encoded[f"{DEFAULT_THRESHOLD:g}"]
    passed = {
        "precision": default["precision"] >= TARGETS["precision"],
        "recall": default["recall"] >= TARGETS["recall"],
        "fill_mean": default["fill_mean"] <= TARGETS["fill_mean_max"],
    }
    return {
        "benchmark": "privacy",
        "students": students,
        "records": evalset.records,
        "true_pairs": evalset.true_pairs.num_rows,
        "encoded": encoded,
        "plaintext": plain,
        "f1_ratio_to_plaintext": round(default["f1"] / plain["f1"], 4) if plain["f1"] else None,
        "targets": TARGETS,
        "checks": passed,
        "passed": all(passed.values()),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(run(students=args.students), indent=2))
