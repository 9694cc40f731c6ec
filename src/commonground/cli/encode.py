"""``commonground encode`` and ``link-encoded``: privacy-preserving linkage with keyed Bloom-filter encodings.

A partner runs ``encode`` on its own machine with the secret it shares with the other partners (never with the
hub) and sends only the encoded file; the hub runs ``link-encoded`` on two encoded files without seeing any PII.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from commonground.cli.errors import USAGE, fail
from commonground.cli.linkage import ColumnsOption

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def encode(
    file: Annotated[Path, typer.Argument(help="A file of people (CSV, XLSX or Parquet).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the encodings (.parquet, else CSV).")],
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file", help="A file holding the shared secret (else $COMMONGROUND_LINKAGE_SECRET)."
        ),
    ] = None,
    bits: Annotated[int, typer.Option("--bits", help="Bloom filter length in bits.")] = 1024,
    id_column: Annotated[str | None, typer.Option("--id", help="The record id column.")] = None,
    columns: ColumnsOption = None,
) -> None:
    """Encode names, birth dates and addresses into keyed Bloom filters (CLKs): write id, clk, blocking tokens."""
    from commonground.linkage.engine.adhoc import check_overrides_used, load, parse_overrides
    from commonground.linkage.engine.files import InputError
    from commonground.linkage.engine.privacy.clk import encode_people
    from commonground.linkage.engine.privacy.keys import SecretError, load_secret
    from commonground.linkage.engine.privacy.quality import check, summary
    from commonground.linkage.engine.privacy.store import write_encoded

    if bits < 64 or bits % 8:
        fail(f"--bits must be a multiple of 8 and at least 64 (got {bits})", code=USAGE)
    try:
        secret = load_secret(secret_file)
    except SecretError as exc:
        fail(str(exc), code=USAGE)
    try:
        overrides = parse_overrides(columns or [])
        loaded = load(file, overrides, id_column)
        check_overrides_used(overrides, [loaded])
    except InputError as exc:
        fail(str(exc), code=USAGE)
    encoded = encode_people(loaded.table, secret, bits)
    findings = check(encoded)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        fail(f"{errors[0].message}; nothing was written")
    write_encoded(out, encoded)
    figures = summary(encoded)
    out_console.print(
        f"{file.name}: encoded {encoded.table.num_rows:,} records into {bits}-bit filters → {out} "
        f"(fill: mean {figures['fill_mean']:.0%}, max {figures['fill_max']:.0%})"
    )
    for message in [*loaded.warnings, *(f.message for f in findings)]:
        err_console.print(f"[yellow]warning:[/] {message}", markup=True)


def link_encoded(
    left: Annotated[Path, typer.Argument(help="The first encoded file (from `commonground encode`).")],
    right: Annotated[Path, typer.Argument(help="The second encoded file.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the CSV of pairs.")],
    threshold: Annotated[
        float, typer.Option("--threshold", help="The lowest Dice similarity linked (0 to 1).")
    ] = 0.75,
    many: Annotated[
        bool, typer.Option("--many-to-many", help="Allow a record to link to several on the other side.")
    ] = False,
) -> None:
    """Link two encoded files without any PII: write left_id,right_id,score for pairs at or above the threshold."""
    from commonground.linkage.engine.files import InputError
    from commonground.linkage.engine.privacy.match import EncodingMismatch
    from commonground.linkage.engine.privacy.match import link_encoded as link
    from commonground.linkage.engine.privacy.store import read_encoded

    if not 0 < threshold <= 1:
        fail(f"--threshold must be a similarity between 0 and 1 (got {threshold})", code=USAGE)
    try:
        files = [read_encoded(left), read_encoded(right)]
        pairs = link(files[0], files[1], threshold, one_to_one=not many)
    except (InputError, EncodingMismatch) as exc:
        fail(str(exc), code=USAGE)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["left_id", "right_id", "score"])
        writer.writerows(
            (a, b, f"{s:.4f}")
            for a, b, s in zip(
                *(pairs.column(c).to_pylist() for c in ("left_id", "right_id", "score")), strict=True
            )
        )
    out_console.print(f"{left.name}: {len(files[0].ids):,} records · {right.name}: {len(files[1].ids):,}")
    out_console.print(f"wrote {pairs.num_rows:,} pairs with Dice similarity ≥ {threshold:g} to {out}")
