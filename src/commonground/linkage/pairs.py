"""The engine's decided pairs, sorted for the registry: links, pairs kept apart, and pairs for review."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from commonground.linkage.engine.decide import GUARD_REASON, LINK, REVIEW
from commonground.linkage.engine.link import LinkResult


@dataclass(frozen=True)
class ReviewPair:
    """A pair between the thresholds, with what the waterfall chart needs."""

    a: str
    b: str
    probability: float
    match_weight: float
    contributions: list[dict[str, Any]]
    note: str


@dataclass
class Pairs:
    """``links`` (a, b, probability) to join; ``apart`` pairs the twins guard forbids; ``review`` pairs."""

    links: list[tuple[str, str, float]] = field(default_factory=list)
    apart: list[tuple[str, str]] = field(default_factory=list)
    review: list[ReviewPair] = field(default_factory=list)
    prior_weight: float = 0.0


def sort_pairs(result: LinkResult) -> Pairs:
    """Split ``result.pairs`` by decision; a guarded pair becomes a constraint, not just a missing link."""
    rows = result.pairs.to_pylist()
    names = [c[len("mw_") :] for c in result.pairs.column_names if c.startswith("mw_")]
    out = Pairs(prior_weight=result.prior_weight)
    for row in rows:
        a, b, p = row["left_id"], row["right_id"], float(row["match_probability"])
        if row["decision"] == LINK:
            out.links.append((a, b, p))
        elif row["decision"] == REVIEW:
            contributions = [
                {
                    "comparison": n,
                    "level": row[f"level_{n}"],
                    "weight": round(float(row[f"mw_{n}"] or 0.0), 3),
                }
                for n in names
            ]
            out.review.append(
                ReviewPair(a, b, p, float(row["match_weight"]), contributions, row["reason"] or "")
            )
        elif row["reason"] == GUARD_REASON:
            out.apart.append((a, b))
    return out
