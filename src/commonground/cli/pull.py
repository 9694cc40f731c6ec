"""``commonground pull-edfi``: pull a partner's Ed-Fi ODS/API (v7) into the hub, incrementally by default."""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import typer

from commonground.cli.errors import FAILURE, USAGE, fail
from commonground.cli.ingest import HomeOption, JsonOption, _outcome, _print_report, _start

SECRET_ENV = "EDFI_CLIENT_SECRET"  # noqa: S105 - the name of the variable, not a secret


def _print_pull(out: dict[str, Any]) -> None:
    info = out.get("edfi_api") or {}
    if out["status"] == "duplicate":
        typer.echo(
            f"nothing changed since change version {info.get('max_change_version')} "
            f"(submission {out['submission']}); nothing was published"
        )
        return
    _print_report(out)
    window = (
        f"changes {info.get('min_change_version')}–{info.get('max_change_version')}"
        if info.get("mode") == "incremental"
        else f"everything up to change version {info.get('max_change_version')}"
    )
    typer.echo(
        f"pulled {window} from {info.get('base_url')}: {info.get('pages')} pages, "
        f"{info.get('requests')} requests ({info.get('retries')} retried)"
    )
    for note in info.get("reasons") or ():
        typer.echo(f"  note: {note}")
    for resource, f in sorted((info.get("resources") or {}).items()):
        deleted = f", {f['deletes']} deleted" if f.get("mode") == "incremental" else ""
        typer.echo(f"  {resource}: {f['items']} items{deleted}")
    merged = "; ".join(
        f"{table} {c['carried']} kept, {c['updated']} changed, {c['added']} added, {c['deleted']} deleted"
        for table, c in sorted((info.get("merged") or {}).items())
    )
    if merged:
        typer.echo(f"rosters merged with the last pull's: {merged}")


def pull_edfi(
    org: Annotated[str, typer.Option("--org", help="The organization whose Ed-Fi API this is.")],
    base_url: Annotated[
        str, typer.Option("--base-url", help="The API's base URL, before /oauth and /data (…/api).")
    ],
    client_id: Annotated[str, typer.Option("--client-id", help="The API client's key.")],
    client_secret_env: Annotated[
        str,
        typer.Option("--client-secret-env", help="The environment variable holding the client's secret."),
    ] = SECRET_ENV,
    full: Annotated[bool, typer.Option("--full", help="Pull everything, not only what changed.")] = False,
    resource: Annotated[
        list[str] | None,
        typer.Option(
            "--resource", help="A resource to pull (repeatable), e.g. students. Default: all known."
        ),
    ] = None,
    page_size: Annotated[int, typer.Option("--page-size", help="Items per request (1–500).")] = 500,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Pull an Ed-Fi ODS/API and publish it whole, or reject it with a report (exit 1).

    The secret is read from the environment (never the command line, where other users of the machine could
    see it in the process list): ``EDFI_CLIENT_SECRET=… commonground pull-edfi --org … --client-id …``.
    """
    from commonground.ingest.connectors.edfi_api import MAX_LIMIT, EdfiApiError
    from commonground.ingest.connectors.edfi_api_resources import RESOURCES, resource_path, supported

    secret = os.environ.get(client_secret_env, "")
    if not secret:
        fail(
            f"set the client secret in the environment variable {client_secret_env} (it is empty)", code=USAGE
        )
    if not base_url.startswith(("http://", "https://")):
        fail(f"--base-url must start with http:// or https:// (got {base_url!r})", code=USAGE)
    if not 1 <= page_size <= MAX_LIMIT:
        fail(f"--page-size must be between 1 and {MAX_LIMIT} (got {page_size})", code=USAGE)
    for name in resource or ():
        if not supported(resource_path(name)):
            fail(f"--resource {name!r} is not supported; known: {', '.join(RESOURCES)}", code=USAGE)
    _start(home)
    from commonground.ecosystem.models import Organization
    from commonground.ingest import dataplane
    from commonground.ingest.edfi_pull import do_pull_edfi_api

    with dataplane.publish_lock():  # clean up after a run that was killed mid-publish
        dataplane.recover()
    organization = Organization.objects.filter(slug=org).first()
    if organization is None:
        fail(
            f"unknown organization {org!r}; register it with: commonground org add {org} --kind ...",
            code=USAGE,
        )
    try:
        sub = do_pull_edfi_api(
            acting_user=None,
            organization=organization,
            base_url=base_url,
            client_id=client_id,
            client_secret=secret,
            resources=resource or None,
            full=full,
            page_size=page_size,
        )
    except EdfiApiError as exc:
        fail(str(exc), code=FAILURE)
    out = {**_outcome(sub), "edfi_api": sub.report.get("edfi_api", {})}
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=str))
    else:
        _print_pull(out)
    if out["status"] == "rejected":
        raise typer.Exit(FAILURE)


__all__ = ["SECRET_ENV", "pull_edfi"]
