"""Ground truth (which record is which person) and the log of every injected error — for tests and benchmarks."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .noise import NoiseRow

GROUND_TRUTH = "truth/ground_truth.csv"
NOISE_LOG = "truth/noise_log.csv"


class TruthWriter:
    """Streams truth/ground_truth.csv and truth/noise_log.csv."""

    def __init__(self, root: Path) -> None:
        (root / "truth").mkdir(parents=True, exist_ok=True)
        self._gt = open(root / GROUND_TRUTH, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._nl = open(root / NOISE_LOG, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.gt = csv.writer(self._gt, lineterminator="\n")
        self.nl = csv.writer(self._nl, lineterminator="\n")
        self.gt.writerow(["source_org", "source_file", "source_person_id", "true_person_id"])
        self.nl.writerow(["source_org", "source_person_id", "field", "kind", "original", "published"])
        self.truth_rows = 0
        self.noise_rows = 0

    def write(self, truth: Iterable[tuple[str, str, str, str]], noise: Iterable[NoiseRow]) -> None:
        """Append ground-truth rows and noise-log rows."""
        truth, noise = list(truth), list(noise)
        self.gt.writerows(truth)
        self.nl.writerows(noise)
        self.truth_rows += len(truth)
        self.noise_rows += len(noise)

    def close(self) -> None:
        """Close both files."""
        self._gt.close()
        self._nl.close()
