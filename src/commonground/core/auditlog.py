"""Reading the audit chain back: verification, signed checkpoints and inclusion proofs (``commonground audit``).

Verification walks every entry in sequence order with :func:`commonground.core.chain.first_problem`, against
the chain head and every signed checkpoint; a checkpoint counts only if its signature verifies with the hub's
public key (from the key file, or one the operator supplies), so rows forged into the checkpoint table are caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from commonground.core import chain, merkle, signing
from commonground.core.audit import iso
from commonground.core.models import AuditChainHead, AuditCheckpoint, AuditEvent
from commonground.core.proofs import LOG_ID, check_proof, statement

__all__ = ["check_proof", "do_checkpoint", "inclusion_proof", "sign_checkpoint", "statement", "verify"]

_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "summary",
    "details",
    "prev_hash",
    "entry_hash",
)


def sign_checkpoint(size: int, head_hash: str, merkle_root: str = "") -> AuditCheckpoint:
    """Sign and store a checkpoint of the chain at ``size`` entries (inside the caller's transaction)."""
    key = signing.load_or_create_key()
    at = timezone.now()
    signature = signing.sign(statement(size, head_hash, merkle_root, iso(at)), key)
    return AuditCheckpoint.objects.create(
        size=size,
        head_hash=head_hash,
        merkle_root=merkle_root,
        at=at,
        public_key=signing.public_key_hex(key),
        signature=signature,
    )


def _entry(row: dict[str, Any]) -> chain.Entry:
    return chain.Entry(
        seq=row["seq"],
        at=iso(row["at"]),
        actor_id=row["actor_id"],
        actor_label=row["actor_label"],
        action=row["action"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        summary=row["summary"],
        details=row["details"],
        prev_hash=row["prev_hash"],
        entry_hash=row["entry_hash"],
        row_id=row.get("id"),
    )


def _rows(chunk: int = 5000) -> Iterator[dict[str, Any]]:
    yield from AuditEvent.objects.order_by("seq").values(*_FIELDS).iterator(chunk_size=chunk)


@dataclass
class Verification:
    """The outcome of checking the whole log."""

    entries: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


def verify(public_key_hex: str | None = None) -> Verification:
    """Check every entry, the head and every checkpoint; report the first bad entry and any bad checkpoint."""
    public = public_key_hex or signing.public_key_hex(signing.load_or_create_key())
    result = Verification()
    anchors: dict[int, str] = {}
    for cp in AuditCheckpoint.objects.order_by("size", "id"):
        result.checkpoints += 1
        if not signing.verify(
            statement(cp.size, cp.head_hash, cp.merkle_root, iso(cp.at)), cp.signature, public
        ):
            result.problems.append(
                f"checkpoint at entry {cp.size} (row id {cp.pk}): signature does not verify"
            )
            continue
        if anchors.get(cp.size, cp.head_hash) != cp.head_hash:
            result.problems.append(f"two signed checkpoints disagree about entry {cp.size}")
        anchors[cp.size] = cp.head_hash
    head_row = AuditChainHead.objects.filter(pk=1).first()
    head = (head_row.size, head_row.head_hash) if head_row else (0, chain.GENESIS)
    walked = [0]

    def entries() -> Iterator[chain.Entry]:
        for row in _rows():
            walked[0] += 1
            yield _entry(row)

    problem = chain.first_problem(entries(), head=head, anchors=anchors)
    result.entries = walked[0]
    if problem is not None:
        result.problems.insert(0, str(problem))
    return result


@transaction.atomic
def do_checkpoint(acting_user: Any = None) -> AuditCheckpoint:
    """Sign a checkpoint of the whole log now, with its RFC 6962 Merkle root (the head is locked meanwhile)."""
    from commonground.core.audit import locked_head

    head = locked_head()
    leaves = [
        bytes.fromhex(h) for h in AuditEvent.objects.order_by("seq").values_list("entry_hash", flat=True)
    ]
    root = merkle.tree_hash(leaves).hex()
    return sign_checkpoint(head.size, head.head_hash, root)


def inclusion_proof(seq: int) -> dict[str, Any]:
    """A self-contained JSON proof that entry ``seq`` is in the log, against the newest checkpoint with a root.

    A new signed checkpoint is made when none with a Merkle root covers the entry yet.
    """
    event = AuditEvent.objects.filter(seq=seq).values(*_FIELDS).first()
    if event is None:
        raise LookupError(f"there is no audit entry {seq}")
    cp = AuditCheckpoint.objects.exclude(merkle_root="").filter(size__gte=seq).order_by("-size").first()
    if cp is None:
        cp = do_checkpoint()
    leaves = [
        bytes.fromhex(h)
        for h in AuditEvent.objects.filter(seq__lte=cp.size)
        .order_by("seq")
        .values_list("entry_hash", flat=True)
    ]
    entry = _entry(event)
    return {
        "log": LOG_ID,
        "entry": {**entry.payload(), "prev_hash": entry.prev_hash, "entry_hash": entry.entry_hash},
        "leaf_index": seq - 1,
        "tree_size": cp.size,
        "proof": [p.hex() for p in merkle.inclusion_proof(seq - 1, leaves)],
        "checkpoint": {
            "size": cp.size,
            "head_hash": cp.head_hash,
            "merkle_root": cp.merkle_root,
            "at": iso(cp.at),
            "public_key": cp.public_key,
            "signature": cp.signature,
        },
    }
