"""Pairwise quality against ground truth: precision, recall and F1 of the predicted links."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Quality:
    """Pairwise counts and rates (a pair is unordered within one file, ordered left→right across two)."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Share of predicted links that are true."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that were linked."""
        truth = self.true_positives + self.false_negatives
        return self.true_positives / truth if truth else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Counts and rates, rounded for a report."""
        return {
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "precision": round(self.precision, 5),
            "recall": round(self.recall, 5),
            "f1": round(self.f1, 5),
        }


def _pairs(table: pa.Table, left: str, right: str, unordered: bool) -> set[tuple[str, str]]:
    a, b = table.column(left).to_pylist(), table.column(right).to_pylist()
    if unordered:
        return {(x, y) if x <= y else (y, x) for x, y in zip(a, b, strict=True)}
    return set(zip(a, b, strict=True))


def pairwise_quality(
    links: pa.Table,
    true_pairs: pa.Table,
    *,
    unordered: bool = False,
    left: str = "left_id",
    right: str = "right_id",
) -> Quality:
    """Compare predicted ``links`` with ``true_pairs`` (both with ``left_id``/``right_id`` columns)."""
    found = _pairs(links, left, right, unordered)
    truth = _pairs(true_pairs, "left_id", "right_id", unordered)
    tp = len(found & truth)
    return Quality(tp, len(found) - tp, len(truth) - tp)
