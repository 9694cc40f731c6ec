"""``commonground audit``: verify the hash-chained audit log, sign checkpoints, export and check inclusion proofs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import FAILURE, USAGE, fail
from commonground.home import HomeError

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

HomeOption = Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--public-key", help="Check signatures with this Ed25519 public key (hex) instead of the key file."
    ),
]


def _setup(home: Path | None) -> None:
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))


@audit_app.command("verify")
def verify(
    home: HomeOption = None, public_key: KeyOption = None, as_json: bool = typer.Option(False, "--json")
) -> None:
    """Check every entry and every signed checkpoint; exit 1 naming the first bad entry."""
    _setup(home)
    from commonground.core.auditlog import verify as run

    result = run(public_key)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "entries": result.entries,
                    "checkpoints": result.checkpoints,
                    "problems": result.problems,
                },
                indent=2,
            )
        )
    elif result.ok:
        typer.echo(
            f"audit log intact: {result.entries} entries, {result.checkpoints} signed checkpoints verified"
        )
    if not result.ok:
        fail("audit log check FAILED at " + "; ".join(result.problems), code=FAILURE)


@audit_app.command("checkpoint")
def checkpoint(home: HomeOption = None) -> None:
    """Sign a checkpoint of the whole log now (size, head hash, Merkle root) and print it for off-site keeping."""
    _setup(home)
    from commonground.core.auditlog import do_checkpoint

    cp = do_checkpoint()
    typer.echo(
        json.dumps(
            {
                "size": cp.size,
                "head_hash": cp.head_hash,
                "merkle_root": cp.merkle_root,
                "at": cp.at.isoformat(),
                "public_key": cp.public_key,
                "signature": cp.signature,
            },
            indent=2,
        )
    )


@audit_app.command("proof")
def proof(
    seq: Annotated[int, typer.Argument(help="The entry's sequence number.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the proof here instead of printing it.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Export one entry with a Merkle inclusion proof (RFC 6962) against a signed checkpoint."""
    _setup(home)
    from commonground.core.auditlog import inclusion_proof

    try:
        document = inclusion_proof(seq)
    except LookupError as exc:
        fail(str(exc), code=USAGE)
    text = json.dumps(document, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote the proof of entry {seq} to {out}")


@audit_app.command("verify-proof")
def verify_proof(
    file: Annotated[Path, typer.Argument(help="A proof written by `commonground audit proof`.")],
    public_key: KeyOption = None,
) -> None:
    """Check an exported proof without the hub's database: entry hash, inclusion and checkpoint signature."""
    from commonground.core.proofs import check_proof

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
        problems = check_proof(document, public_key)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        fail(f"{file}: not a readable audit proof ({exc})", code=USAGE)
    if problems:
        fail(f"{file}: " + "; ".join(problems), code=FAILURE)
    typer.echo(
        f"{file}: entry {document['entry']['seq']} is in the signed log of {document['tree_size']} entries"
    )


@audit_app.command("public-key")
def public_key_cmd(home: HomeOption = None) -> None:
    """Print the audit signing key's public half (keep a copy outside the hub)."""
    _setup(home)
    from commonground.core import signing

    typer.echo(signing.public_key_hex(signing.load_or_create_key()))
