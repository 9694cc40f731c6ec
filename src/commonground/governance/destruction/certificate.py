"""The certificate of destruction: NIST SP 800-88 Rev. 1 Appendix G fields, signed with the hub's audit key.

The body is a plain JSON object (see :func:`body`); the signature is Ed25519 over its canonical JSON
(:func:`commonground.core.chain.canonical_json`, sorted keys, no spaces) with the key that signs the audit log's
checkpoints, kept outside the database. :func:`check` says whether a stored certificate still verifies:
its body hash, its signature (with the key it names and, when given, a public key kept elsewhere), and the
audit entry that recorded it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from commonground import __version__
from commonground.core import chain, signing

FORMAT = "commonground-destruction-certificate/1"
ATTESTATION = (
    "I attest that the information provided on this statement is accurate to the best of my knowledge."
)
METHOD_TYPE = "Purge"
METHOD_USED = "Cryptographic erase, then deletion"
TOOL = f"Common Ground {__version__} (AES-256-GCM envelope encryption; key store destroy; Parquet rewrite)"


def body(
    *,
    certificate_id: str,
    kind: str,
    issued_at: str,
    performed: dict[str, str],
    media: dict[str, Any],
    method_details: str,
    reason: str,
    destroyed: dict[str, Any],
    verification: dict[str, Any],
    validator: dict[str, str] | None,
) -> dict[str, Any]:
    """The certificate's fields: Appendix G's, then what was destroyed and how it was verified."""
    passed = all(v.get("clean", False) for v in verification.get("scans", []))
    return {
        "format": FORMAT,
        "certificate_id": certificate_id,
        "kind": kind,
        "date": issued_at,
        "person_performing_sanitization": performed,
        "media_information": media,
        "sanitization_details": {
            "method_type": METHOD_TYPE,
            "method_used": METHOD_USED,
            "method_details": method_details,
            "tool_used": TOOL,
            "verification_method": (
                "Full: every Parquet file of the live data folder and of the latest backup read; rows naming "
                "the destroyed records counted; every remaining ciphertext under a destroyed key tried for "
                "decryption with the key store."
            ),
            "verification_result": "passed" if passed else "FAILED",
            "post_sanitization_classification": "Unclassified: no record of the destroyed data remains readable",
            "notes": reason,
        },
        "media_destination": "Internal reuse: the hub's storage stays in service.",
        "destroyed": destroyed,
        "verification": verification,
        "attestation": ATTESTATION,
        "validation": validator,
    }


@dataclass(frozen=True)
class Signed:
    """A signed certificate body."""

    body: dict[str, Any]
    sha256: str
    public_key: str
    signature: str


def digest(content: dict[str, Any]) -> str:
    """SHA-256 of the body's canonical JSON."""
    return hashlib.sha256(chain.canonical_json(content)).hexdigest()


def sign(content: dict[str, Any]) -> Signed:
    """Sign ``content`` with the hub's audit key."""
    key = signing.load_or_create_key()
    return Signed(
        body=content,
        sha256=digest(content),
        public_key=signing.public_key_hex(key),
        signature=signing.sign(chain.canonical_json(content), key),
    )


def problems(
    content: dict[str, Any],
    *,
    sha256: str,
    signature: str,
    public_key: str,
    trusted_key: str | None,
    audited_sha256: str | None,
) -> list[str]:
    """Why a certificate does not verify (empty when it does)."""
    found = []
    if digest(content) != sha256:
        found.append("its content was changed (SHA-256 differs from the one recorded)")
    if not signing.verify(chain.canonical_json(content), signature, public_key):
        found.append("its signature does not verify")
    if trusted_key is not None and trusted_key != public_key:
        found.append("it was signed by another key than the one given")
    if audited_sha256 is None:
        found.append("the audit log holds no entry recording it")
    elif audited_sha256 != digest(content):
        found.append("the audit log recorded a different certificate (SHA-256 differs)")
    return found
