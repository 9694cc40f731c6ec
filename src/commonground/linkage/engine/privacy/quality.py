"""Checks on encodings before they leave a partner: overfilled filters and frequency-attack risk.

An overfilled Bloom filter (most bits set) makes every pair look alike, so linking loses precision; a filter
whose bits come mostly from one field lets an attacker who knows that field's value frequencies (common surnames,
say) match bit patterns to values. Both are said in plain words, with what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .clk import Encoded

#: Above these, filters are overfilled: refuse on the mean, warn on single records.
MAX_MEAN_FILL = 0.6
MAX_RECORD_FILL = 0.8
#: A field that sets more than this share of all bits dominates the filters.
MAX_FIELD_SHARE = 0.5
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint16)


@dataclass(frozen=True)
class Finding:
    """One check's verdict: ``error`` stops the encoding from being written, ``warning`` is reported."""

    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def popcount(packed: np.ndarray) -> np.ndarray:
    """Bits set per row of a packed ``uint8`` bit matrix (lookup table, vectorised)."""
    return _POPCOUNT[packed].sum(axis=1, dtype=np.int64)


def fill_ratios(encoded: Encoded) -> np.ndarray:
    """The fraction of bits set in each record's filter."""
    return popcount(encoded.filters) / encoded.bits


def summary(encoded: Encoded) -> dict[str, float]:
    """Mean and maximum fill ratio and each field's share of bit insertions, rounded for a report."""
    fill = fill_ratios(encoded)
    total = sum(int(v.sum()) for v in encoded.field_bits.values()) or 1
    out = {"fill_mean": round(float(fill.mean()), 4) if fill.size else 0.0,
           "fill_max": round(float(fill.max()), 4) if fill.size else 0.0}  # fmt: skip
    out.update({f"share_{k}": round(int(v.sum()) / total, 4) for k, v in encoded.field_bits.items()})
    return out


def check(encoded: Encoded) -> list[Finding]:
    """Refuse overfilled filters (mean fill above 0.6); warn about records above 0.8 and a dominant field."""
    findings: list[Finding] = []
    fill = fill_ratios(encoded)
    if not fill.size:
        return findings
    advice = f"use more bits (--bits {encoded.bits * 2}) or fewer hash functions per field"
    mean = float(fill.mean())
    if mean > MAX_MEAN_FILL:
        findings.append(Finding("error", f"the filters are overfilled: on average {mean:.0%} of their "
                                f"{encoded.bits} bits are set (at most {MAX_MEAN_FILL:.0%} keeps links "
                                f"reliable); {advice}"))  # fmt: skip
    over = int((fill > MAX_RECORD_FILL).sum())
    if over:
        findings.append(Finding("warning", f"{over:,} record(s) have overfilled filters (more than "
                                f"{MAX_RECORD_FILL:.0%} of bits set, worst {float(fill.max()):.0%}), "
                                f"probably very long names or addresses; {advice}"))  # fmt: skip
    total = sum(int(v.sum()) for v in encoded.field_bits.values())
    for name, inserted in encoded.field_bits.items():
        share = int(inserted.sum()) / total if total else 0.0
        if share > MAX_FIELD_SHARE:
            findings.append(Finding("warning", f"the {name} field sets {share:.0%} of all bits: filters this "
                                    "dominated by one field are open to a frequency attack by someone who "
                                    "knows how common its values are; lower its weight or add fields"))  # fmt: skip
    return findings
