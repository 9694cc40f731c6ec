"""Checking an exported audit proof without the hub's database (``commonground audit verify-proof``), Django-free.

A proof holds one entry's fields and hashes, its RFC 6962 inclusion path, and the signed checkpoint whose Merkle
root the path leads to; anyone holding the hub's public key can check all three.
"""

from __future__ import annotations

from typing import Any

from commonground.core import chain, merkle, signing

LOG_ID = "commonground-audit"


def statement(size: int, head_hash: str, merkle_root: str, at: str) -> bytes:
    """The exact bytes a checkpoint signs."""
    return chain.canonical_json(
        {"log": LOG_ID, "size": size, "head_hash": head_hash, "merkle_root": merkle_root, "at": at}
    )


def check_proof(proof: dict[str, Any], public_key_hex: str | None = None) -> list[str]:
    """Everything wrong with an exported proof (an empty list means it holds). Needs no database."""
    problems: list[str] = []
    cp = proof["checkpoint"]
    e = proof["entry"]
    entry = chain.Entry(**e)
    if entry.computed_hash() != entry.entry_hash:
        problems.append("the entry's fields do not match its hash")
    ok_incl = merkle.verify_inclusion(
        bytes.fromhex(entry.entry_hash),
        int(proof["leaf_index"]),
        int(proof["tree_size"]),
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(cp["merkle_root"]),
    )
    if not ok_incl:
        problems.append("the inclusion proof does not lead to the checkpoint's Merkle root")
    if int(proof["tree_size"]) != int(cp["size"]):
        problems.append("the proof's tree size differs from the checkpoint's")
    public = public_key_hex or cp["public_key"]
    message = statement(int(cp["size"]), cp["head_hash"], cp["merkle_root"], cp["at"])
    if not signing.verify(message, cp["signature"], public):
        problems.append("the checkpoint's signature does not verify with the given public key")
    return problems
