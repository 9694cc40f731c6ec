"""Reading the text back out of an uncompressed fpdf2 PDF (no PDF library is installed).

fpdf2 writes each line of text as ``(escaped text) Tj`` in Windows-1252; wrapped lines are joined with spaces.
"""

from __future__ import annotations

import re

_TJ = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.DOTALL)
_ESCAPES = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"(": b"(",
    b")": b")",
    b"\\": b"\\",
}


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] == b"\\" and i + 1 < len(raw):
            nxt = raw[i + 1 : i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
        out += raw[i : i + 1]
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """Every shown string of the PDF, in order, joined by single spaces."""
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    parts = [_unescape(m.group(1)).decode("cp1252") for m in _TJ.finditer(pdf)]
    return re.sub(r"\s+", " ", " ".join(parts))
