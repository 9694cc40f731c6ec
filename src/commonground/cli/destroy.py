"""``commonground destroy``: verified destruction of an ended agreement's data or one student's, with certificates."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import FAILURE, USAGE, fail
from commonground.home import HomeError

destroy_app = typer.Typer(
    help="Destroy data verifiably (crypto-shredding + deletion) and check certificates of destruction.",
    no_args_is_help=True,
)
HomeOption = Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why the data is destroyed (goes on the certificate).")
]
ByOption = Annotated[str, typer.Option("--performed-by", help="Who performs it (default: the command line).")]
TitleOption = Annotated[str, typer.Option("--title", help="Their title.")]
ValidatorOption = Annotated[
    str, typer.Option("--validator", help="A witness or validator: 'Name, Title, Organization'.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _setup(home: Path | None) -> None:
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))


def _performer(name: str) -> str:
    return name.strip() or f"{getpass.getuser()} (at the command line)"


def _validator(text: str) -> dict[str, str] | None:
    if not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 3 or not all(parts[:3]):
        fail("--validator takes 'Name, Title, Organization'", code=USAGE)
    return {"name": parts[0], "title": parts[1], "organization": ", ".join(parts[2:])}


def _report(record: Any, as_json: bool) -> None:
    body = record.body
    if as_json:
        typer.echo(json.dumps({"certificate": record.certificate_id, "signature": record.signature,
                               "public_key": record.public_key, "body": body}, indent=2))  # fmt: skip
        return
    destroyed, scans = body["destroyed"], body["verification"]["scans"]
    typer.echo(f"certificate of destruction {record.certificate_id} (signed, recorded in the audit log)")
    typer.echo(f"  organizations: {', '.join(destroyed['organizations']) or '-'}")
    for kept in destroyed.get("kept", []):
        typer.echo(f"  kept: {kept['organization']} (still covered by {', '.join(kept['still_covered_by'])})")
    typer.echo(f"  data keys destroyed: {', '.join(destroyed['key_ids']) or 'none'}")
    for s in scans:
        typer.echo(f"  verified {s['folder']}: {s['files']} files, {s['rows']} rows, "
                   f"{s['ciphertexts']} ciphertexts of which {s['decryptable']} decryptable")  # fmt: skip
    typer.echo(f"  disclosure records kept: {destroyed['disclosure_records_kept']}")


def _destroy(run: Any, as_json: bool) -> None:
    from django.core.exceptions import ValidationError

    from commonground.governance.destruction import DestructionFailed

    try:
        record = run()
    except ValidationError as exc:
        fail(" ".join(exc.messages), code=FAILURE)
    except DestructionFailed as exc:
        fail(str(exc), code=FAILURE)
    _report(record, as_json)


@destroy_app.command("agreement")
def agreement(
    reference: Annotated[str, typer.Argument(help="The ended agreement's reference, e.g. DSA-2025-004.")],
    reason: ReasonOption,
    method: Annotated[str, typer.Option("--method", help="How (default: the agreement's own method).")] = "",
    performed_by: ByOption = "",
    title: TitleOption = "",
    validator: ValidatorOption = "",
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Destroy the data an expired or terminated agreement covers; print the signed certificate."""
    _setup(home)
    from commonground.governance.destruction import do_destroy_agreement_data
    from commonground.governance.models import Agreement

    found = Agreement.objects.filter(reference=reference).first()
    if found is None:
        fail(f"no agreement {reference!r}", code=USAGE)
    how = method or found.destruction_method or "Purge: cryptographic erase, then deletion"
    _destroy(lambda: do_destroy_agreement_data(
        found, acting_user=None, reason=reason, method=how, performed_by=_performer(performed_by), title=title,
        validator=_validator(validator),
    ), as_json)  # fmt: skip


@destroy_app.command("student")
def student(
    hub_person_id: Annotated[str, typer.Argument(help="The student's hub id (HP-…).")],
    reason: ReasonOption,
    performed_by: ByOption = "",
    title: TitleOption = "",
    validator: ValidatorOption = "",
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Destroy one student's data on a lawful request (name it in --reason); print the signed certificate."""
    _setup(home)
    from commonground.governance.destruction import do_destroy_student_data

    _destroy(lambda: do_destroy_student_data(
        hub_person_id, acting_user=None, reason=reason, performed_by=_performer(performed_by), title=title,
        validator=_validator(validator),
    ), as_json)  # fmt: skip


@destroy_app.command("certificate")
def certificate(
    certificate_id: Annotated[str, typer.Argument(help="The certificate's id (or its first characters).")],
    verify: Annotated[
        bool, typer.Option("--verify", help="Check its hash, signature and audit entry.")
    ] = False,
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="Require this signing key (hex), kept elsewhere.")
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Print a certificate of destruction; with --verify, exit 1 unless it verifies."""
    _setup(home)
    from commonground.governance.destruction import check_certificate
    from commonground.governance.models import DestructionCertificate

    if len(certificate_id) < 6:
        fail("give at least 6 characters of the certificate id", code=USAGE)
    found = list(DestructionCertificate.objects.filter(certificate_id__startswith=certificate_id)[:2])
    if len(found) != 1:
        fail(f"{'no' if not found else 'more than one'} certificate matches {certificate_id!r}", code=USAGE)
    record = found[0]
    if not verify:
        _report(record, as_json)
        return
    problems = check_certificate(record, public_key)
    if as_json:
        typer.echo(json.dumps({"certificate": record.certificate_id, "valid": not problems,
                               "problems": problems}, indent=2))  # fmt: skip
    if problems:
        fail(f"certificate {record.certificate_id} does NOT verify: " + "; ".join(problems), code=FAILURE)
    if not as_json:
        typer.echo(f"certificate {record.certificate_id} verifies: signature, SHA-256 and audit entry agree")


@destroy_app.command("replay")
def replay(as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Re-apply every destruction of the ledger (restore does this itself); finishes an interrupted one."""
    _setup(home)
    from commonground.governance.destruction import replay as run
    from commonground.governance.destruction.ledger import LedgerError

    try:
        done = run()
    except LedgerError as exc:
        fail(str(exc), code=FAILURE)
    out = {
        "entries": done.entries,
        "changed": done.changed,
        "certificates_restored": done.certificates_restored,
    }
    typer.echo(json.dumps(out, indent=2) if as_json else
               f"destruction ledger: {done.entries} destructions, {len(done.changed)} re-applied")  # fmt: skip
