"""Merkle tree hashes and inclusion proofs over the audit log, as in RFC 6962 §2.1 / RFC 9162 §2.1.3 (Django-free).

A signed checkpoint carries the Merkle root of the first ``size`` entries; an inclusion proof shows that one entry
is among them without handing over the others. Leaves are the entries' chain hashes.

Example:
    >>> leaves = [bytes([i]) * 32 for i in range(5)]
    >>> root = tree_hash(leaves)
    >>> proof = inclusion_proof(3, leaves)
    >>> verify_inclusion(leaves[3], 3, 5, proof, root)
    True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def tree_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]): the root of the tree over ``leaves`` (the hash of the empty string for no leaves)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    # Bottom-up with RFC 6962's shape: pairing left to right and carrying an odd last node up unchanged gives the
    # same tree as the recursive split at the largest power of two.
    level = [_leaf(leaf) for leaf in leaves]
    while len(level) > 1:
        nxt = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path for leaf ``index`` in the tree over ``leaves``."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is outside a tree of {len(leaves)} leaves")
    path: list[bytes] = []
    lo, hi, m = 0, len(leaves), index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append(tree_hash(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(tree_hash(leaves[lo : lo + k]))
            lo, m = lo + k, m - k
    path.reverse()  # RFC order: from the leaf up
    return path


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show that ``leaf`` is entry ``index`` of the tree of ``size`` with ``root``?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = _leaf(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root
