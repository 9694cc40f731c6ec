"""RFC 6962 Merkle tree hashes and inclusion proofs, checked against a direct transcription of the RFC's recursion."""

from __future__ import annotations

import hashlib

import pytest

from commonground.core import merkle


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1, written exactly as the RFC states it (the reference the fast version must match)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(n)]


@pytest.mark.parametrize("n", range(0, 70))
def test_tree_hash_matches_the_rfc_recursion(n: int) -> None:
    assert merkle.tree_hash(leaves(n)) == mth(leaves(n))


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 31, 32, 33])
def test_every_leaf_has_a_proof_that_verifies_and_only_for_itself(n: int) -> None:
    data = leaves(n)
    root = merkle.tree_hash(data)
    for i in range(n):
        proof = merkle.inclusion_proof(i, data)
        assert merkle.verify_inclusion(data[i], i, n, proof, root)
        assert not merkle.verify_inclusion(b"\x00" * 32, i, n, proof, root)
        if n > 1:
            assert not merkle.verify_inclusion(data[i], (i + 1) % n, n, proof, root)
            assert not merkle.verify_inclusion(data[i], i, n, proof[:-1], root)


def test_out_of_range_leaf_is_refused() -> None:
    with pytest.raises(IndexError):
        merkle.inclusion_proof(3, leaves(3))
    assert not merkle.verify_inclusion(leaves(1)[0], 5, 3, [], merkle.tree_hash(leaves(3)))
