"""The audit log's hash chain, Django-free: how an entry is hashed and how a sequence of entries is checked.

Every entry commits to the one before it: ``entry_hash = SHA-256(prev_hash || canonical(entry))`` where
``canonical`` is a fixed JSON encoding of the entry's fields (sorted keys, no spaces, UTF-8). Changing, deleting,
inserting or reordering any entry therefore changes every hash after it; the chain's head (its length and last
hash) is kept in the database and, periodically, in checkpoints signed with a key kept outside the database
(:mod:`commonground.core.checkpoints`), so cutting off the tail is detected too.

Example:
    >>> first = Entry(seq=1, at="2026-01-01T00:00:00+00:00", actor_id=None, actor_label="system",
    ...               action="demo.start", object_type="", object_id="", summary="start", details={},
    ...               prev_hash=GENESIS, entry_hash="")
    >>> first = first.sealed()
    >>> first_problem([first]) is None
    True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """The one byte encoding hashed everywhere: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from a JSON column (so the hash computed now verifies later)."""
    return json.loads(canonical_json(dict(details or {})))


@dataclass(frozen=True)
class Entry:
    """One audit entry as the chain sees it (the database row's hashed fields plus its links)."""

    seq: int
    at: str  # ISO 8601 with offset, microseconds kept
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: str
    details: Mapping[str, Any]
    prev_hash: str
    entry_hash: str
    #: The database row it was read from (named in problems; not hashed, not compared).
    row_id: int | None = field(default=None, compare=False)

    def payload(self) -> dict[str, Any]:
        """The hashed fields (everything but the hashes themselves)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "details": self.details,
        }

    def computed_hash(self) -> str:
        """The hash this entry must carry given its fields and its ``prev_hash``."""
        return entry_hash(self.prev_hash, self.payload())

    def sealed(self) -> Entry:
        """A copy with ``entry_hash`` computed."""
        return replace(self, entry_hash=self.computed_hash())


def entry_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the canonical payload, hex-encoded."""
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(prev_hash))
    digest.update(canonical_json(payload))
    return digest.hexdigest()


@dataclass(frozen=True)
class Problem:
    """The first place where the chain does not hold, in words a steward can act on."""

    seq: int
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.seq}" + (f" (row id {self.row_id})" if self.row_id is not None else "")
        return f"{where}: {self.reason}"


def first_problem(
    entries: Iterable[Entry],
    *,
    head: tuple[int, str] | None = None,
    anchors: Mapping[int, str] | None = None,
) -> Problem | None:
    """Walk the chain in stored order; return the first problem, or ``None`` when every check holds.

    ``head`` is the recorded (length, last hash) and ``anchors`` maps sequence numbers to hashes vouched for
    elsewhere (signed checkpoints): entries must exist up to the head and up to every anchor, with those hashes.
    """
    expected_prev = GENESIS
    expected_seq = 1
    anchors = dict(anchors or {})
    last_seq, last_hash = 0, GENESIS
    for entry in entries:
        row_id = entry.row_id
        if entry.seq > expected_seq:
            return Problem(
                expected_seq, None, f"missing (deleted or moved): the next stored entry is {entry.seq}"
            )
        if entry.seq < expected_seq:
            return Problem(
                entry.seq, row_id, f"repeated or out of order (found after entry {expected_seq - 1})"
            )
        if entry.prev_hash != expected_prev:
            return Problem(entry.seq, row_id, "does not link to the entry before it (prev_hash differs)")
        if entry.computed_hash() != entry.entry_hash:
            return Problem(entry.seq, row_id, "its content was changed (hash differs)")
        anchored = anchors.get(entry.seq)
        if anchored is not None and anchored != entry.entry_hash:
            return Problem(entry.seq, row_id, "differs from the signed checkpoint at this entry")
        expected_prev = entry.entry_hash
        expected_seq += 1
        last_seq, last_hash = entry.seq, entry.entry_hash
    beyond = sorted(s for s in anchors if s > last_seq)
    if beyond:
        return Problem(
            last_seq + 1,
            None,
            f"the log ends at entry {last_seq} but a signed checkpoint vouches for {beyond[-1]}",
        )
    if head is not None:
        length, head_hash = head
        if length != last_seq:
            return Problem(
                min(length, last_seq) + 1,
                None,
                f"the log ends at entry {last_seq} but its head records {length}",
            )
        if head_hash != last_hash:
            return Problem(last_seq, None, "the recorded head hash differs from the last entry's hash")
    return None
