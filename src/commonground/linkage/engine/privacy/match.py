"""Linking encodings: candidate pairs from shared blocking tokens, Dice similarity on the bit vectors, one-to-one.

The hub needs only the encoded files: no names, dates or addresses. Dice is ``2·|A∧B| / (|A| + |B|)``, computed
on packed bits with a popcount lookup table, a block of pairs at a time.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .quality import popcount
from .store import EncodedFile

DEFAULT_THRESHOLD = 0.75
#: Pairs scored per numpy step: bounds the temporary ``pairs × bytes`` matrix to a few hundred megabytes.
_CHUNK = 500_000


class EncodingMismatch(ValueError):
    """The two files were encoded with different secrets or filter sizes, so their filters cannot be compared."""


def candidate_pairs(left: pa.Table, right: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Row index pairs (left, right) sharing at least one blocking token, each pair once."""
    keys: list[np.ndarray] = []
    n_right = right.num_rows
    for column in left.column_names:
        a = pa.table({"tok": left.column(column), "li": pa.array(np.arange(left.num_rows))})
        b = pa.table({"tok": right.column(column), "ri": pa.array(np.arange(n_right))})
        a = a.filter(pc.is_valid(a.column("tok")))
        b = b.filter(pc.is_valid(b.column("tok")))
        joined = a.join(b, "tok", join_type="inner")
        li = joined.column("li").to_numpy().astype(np.int64)
        ri = joined.column("ri").to_numpy().astype(np.int64)
        keys.append(li * n_right + ri)
    combined = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    return combined // max(n_right, 1), combined % max(n_right, 1)


def dice(left: np.ndarray, right: np.ndarray, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """Dice coefficient of each pair ``(left[li[j]], right[ri[j]])`` of packed filters."""
    left_count = popcount(left)
    right_count = popcount(right)
    out = np.empty(len(li), dtype=np.float64)
    for start in range(0, len(li), _CHUNK):
        a, b = li[start : start + _CHUNK], ri[start : start + _CHUNK]
        both = popcount(left[a] & right[b])
        total = left_count[a] + right_count[b]
        out[start : start + _CHUNK] = np.where(total > 0, 2.0 * both / np.maximum(total, 1), 0.0)
    return out


def _greedy(li: np.ndarray, ri: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Keep the best-scoring pair first, then any pair whose records are both still free (indices kept)."""
    order = np.lexsort((ri, li, -score))
    taken_l: set[int] = set()
    taken_r: set[int] = set()
    keep = []
    for j in order.tolist():
        a, b = int(li[j]), int(ri[j])
        if a not in taken_l and b not in taken_r:
            taken_l.add(a)
            taken_r.add(b)
            keep.append(j)
    return np.array(keep, dtype=np.int64)


def link_encoded(
    left: EncodedFile, right: EncodedFile, threshold: float = DEFAULT_THRESHOLD, *, one_to_one: bool = True
) -> pa.Table:
    """Link two encoded files: ``left_id, right_id, score`` (Dice ≥ ``threshold``), best first.

    ``one_to_one`` (for two duplicate-free files) keeps each record in at most one pair, greedily by score.
    """
    if left.bits != right.bits:
        raise EncodingMismatch(f"{left.name} has {left.bits}-bit filters and {right.name} {right.bits}-bit ones; "
                               "encode both with the same --bits")  # fmt: skip
    if left.fingerprint and right.fingerprint and left.fingerprint != right.fingerprint:
        raise EncodingMismatch(f"{left.name} and {right.name} were encoded with different secrets; their "
                               "filters cannot be linked (both partners must use the same shared secret)")  # fmt: skip
    li, ri = candidate_pairs(left.blocks, right.blocks)
    score = dice(left.filters, right.filters, li, ri)
    above = score >= threshold
    li, ri, score = li[above], ri[above], score[above]
    chosen = _greedy(li, ri, score) if one_to_one else np.lexsort((ri, li, -score))
    left_ids = np.array(left.ids, dtype=object)
    right_ids = np.array(right.ids, dtype=object)
    return pa.table({
        "left_id": pa.array(left_ids[li[chosen]].tolist(), pa.string()),
        "right_id": pa.array(right_ids[ri[chosen]].tolist(), pa.string()),
        "score": pa.array(np.round(score[chosen], 6), pa.float64()),
    })  # fmt: skip
