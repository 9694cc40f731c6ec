"""Request every route of the project as every actor, with each of its targets, by GET and by POST.

Routes come from the URL resolver (:func:`named_routes`), so a new page appears in the walk — and fails the
matrix until :mod:`tests.security.access_table` says who may open it. Each request runs inside a savepoint that
is rolled back, so a POST that is allowed (an empty form, a lifecycle step) changes nothing for the next cell.

An answer is classified as:

- ``login``: sent to sign in (a redirect to the sign-in page or the admin's) or, on the API, 401;
- ``deny``: 403 or 404 — the project answers "not found" for objects a person may not see;
- ``n/a``: 405, the route does not serve this method (nothing to judge);
- ``allow``: anything else below 500 (a page, a download, a form with errors, a redirect after a change);
- ``error``: 500 and above, always a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.governance import gate_walk
from tests.security import access_world
from tests.security.access_world import AccessWorld


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (``namespace:name``, or the route text when unnamed) and its route text."""

    name: str
    route: str
    pattern: URLPattern


@dataclass(frozen=True)
class Cell:
    """One request of the matrix and what came of it."""

    route: str
    actor: str
    target: str
    method: str
    path: str
    outcome: str
    status: int
    error: str = ""  # the exception behind a 500, for the failure message


def named_routes(urlconf: str | None = None) -> list[Route]:
    """Every URL pattern of ``urlconf`` (the project's by default) with its namespaced name."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, spaces: list[str]) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), spaces + ([p.namespace] if p.namespace else []))
                continue
            route = prefix + str(p.pattern)
            name = ":".join([*spaces, p.name]) if p.name else route
            found.append(Route(name=name, route=route, pattern=p))

    walk(get_resolver(urlconf), "", [])
    return found


class Actors:
    """One signed-in test client per actor (and two anonymous ones; one of them carries the partner's token)."""

    def __init__(self, world: AccessWorld) -> None:
        self.world = world
        self.clients: dict[str, Client] = {}
        for actor in (*access_world.ACTORS, "partner_token"):
            self.clients[actor] = Client(raise_request_exception=False)
            self.sign_in(actor)

    def sign_in(self, actor: str) -> None:
        """(Again) sign ``actor`` in — after the sign-out page has signed them out."""
        client = self.clients[actor]
        if actor in self.world.users:
            client.force_login(self.world.users[actor])
        if actor == "partner_token":
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.world.tokens['partner']}"


def classify(response: HttpResponse, path: str) -> str:
    """``login``, ``deny``, ``n/a``, ``allow`` or ``error`` for one answer (see the module docstring)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status == 401:
        return "login"
    if status in (403, 404):
        return "deny"
    if status == 405:
        return "n/a"
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        sign_in = resolve_url(settings.LOGIN_URL)
        if location.startswith((sign_in + "?", reverse("admin:login") + "?")) and not path.startswith(
            sign_in
        ):
            return "login"
    return "allow"


def path_of(route: Route, kwargs: dict[str, Any]) -> str:
    """The concrete path of ``route`` for one target (admin routes: filled the way the gate walk fills them)."""
    kwargs = {k: v for k, v in kwargs.items() if not k.startswith("_")}
    if route.name.startswith("admin:") or "<" not in route.route or not kwargs:
        return gate_walk.fill(route.route, route.pattern, {})
    return reverse(route.name, kwargs=kwargs)


def request(
    actors: Actors, actor: str, method: str, path: str, data: dict[str, Any] | None = None
) -> HttpResponse:
    """One request (POST: with ``data``, else an empty form) inside a savepoint that is rolled back afterwards."""
    client = actors.clients[actor]
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path, data or {})
        transaction.set_rollback(True)
    if (
        path == reverse("logout")
        or "sessionid" not in client.cookies
        or not client.cookies["sessionid"].value
    ):
        actors.sign_in(actor)  # the sign-out page (or a flushed session) signed the actor out
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # the language switch must not change later pages
    return response


def walk(
    world: AccessWorld, routes: list[Route], methods_of: Any, actors: Actors | None = None
) -> Iterator[Cell]:
    """Every (route, actor, target, method) cell: ``methods_of(route)`` gives the methods to request."""
    actors = actors or Actors(world)
    for route in routes:
        for actor in actors.clients:
            for target, kwargs in access_world.targets(world, route.name, actor).items():
                if kwargs is None:
                    continue  # this actor has no object of this kind (no training record of their own)
                path = path_of(route, kwargs)
                for method in methods_of(route):
                    response = request(actors, actor, method, path, kwargs.get("_data"))
                    outcome = classify(response, path)
                    marker = kwargs.get("_marker")
                    if marker and method == "GET" and outcome == "allow" and marker not in body(response):
                        outcome = "deny"  # the list page opened, without this target's row
                    exc = getattr(response, "exc_info", None)
                    yield Cell(
                        route.name,
                        actor,
                        target,
                        method,
                        path,
                        outcome,
                        response.status_code,
                        repr(exc[1]) if exc else "",
                    )


def body(response: HttpResponse) -> str:
    """The text of an answer (streamed downloads included)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")  # type: ignore[attr-defined]
    return response.content.decode("utf-8", "replace")
