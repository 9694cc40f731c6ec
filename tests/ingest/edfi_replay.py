"""A local stand-in for an Ed-Fi ODS/API v7 server that replays captured-shape JSON (tests only, 127.0.0.1).

It serves ``tests/fixtures/edfi-api/`` (see its README) the way the ODS/API does:

- ``POST /api/oauth/token`` — client credentials by HTTP basic auth; wrong ones get 401 ``invalid_client``;
- ``GET /api/changeQueries/v1/availableChangeVersions``;
- ``GET /api/data/v3/ed-fi/{resource}[/deletes]`` — bearer token required (401 without), ``offset``/``limit``
  (default 25, at most 500, else 400), ``Total-Count`` when ``totalCount=true``, ``min``/``maxChangeVersion``.

The ODS's state is the fixtures as of ``newest`` (the newest change version): each resource's latest record
at or below it, minus the ones deleted after that record. Raise ``newest`` to make later changes appear.
Failures can be injected once (or n times) per matching request: an HTTP status (429 carries
``Retry-After: 0``), a truncated page, a body that is not JSON, a redirect elsewhere, or revoked tokens.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "edfi-api"
CLIENT_ID = "grand-bend-hub"
CLIENT_SECRET = "replay-secret-not-a-real-one"
PREFIX = "/api"
DATA = f"{PREFIX}/data/v3/"


@dataclass
class Failure:
    """A failure to inject: ``kind`` is ``status``, ``truncate``, ``not-json``, ``redirect`` or ``revoke-tokens``."""

    kind: str
    path: str = ""
    status: int = 500
    offset: int | None = None
    times: int = 1


@dataclass
class Logged:
    """One request the server answered."""

    method: str
    path: str
    query: dict[str, str]
    status: int


@dataclass
class Replay:
    """The replayed ODS/API: start it, point a client at :attr:`base_url`, read :attr:`log` afterwards."""

    newest: int = 200
    oldest: int = 0
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    fixtures: Path = FIXTURES
    failures: list[Failure] = field(default_factory=list)
    log: list[Logged] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deletes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cache: dict[tuple[str, int, int | None, int | None], list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path in sorted(self.fixtures.glob("*/*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            name = f"{path.parent.name}/{path.stem}"
            self.records[name] = data.get("records", [])
            self.deletes[name] = data.get("deletes", [])

    @property
    def base_url(self) -> str:
        """The URL to give a client (``http://127.0.0.1:PORT/api``)."""
        assert self._server is not None, "start() the replay server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{PREFIX}"

    def start(self) -> Replay:
        """Listen on a free port of 127.0.0.1 in a background thread."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.replay = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval makes stop() quick (shutdown waits for the loop to notice).
        loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        loop.start()
        return self

    def stop(self) -> None:
        """Stop listening and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail(self, kind: str, path: str = "", **kwargs: Any) -> None:
        """Inject a failure for the next request(s) whose path contains ``path``."""
        self.failures.append(Failure(kind, path, **kwargs))

    def data_requests(self, resource: str = "") -> list[Logged]:
        """The answered GETs of data resources (optionally of one, e.g. ``ed-fi/students``)."""
        return [r for r in self.log if r.path.startswith(DATA + resource) and r.method == "GET"]

    def current(self, resource: str, low: int | None = None, high: int | None = None) -> list[dict[str, Any]]:
        """The resource's records as of :attr:`newest` whose change version is within [low, high]."""
        key = (resource, self.newest, low, high)
        if key not in self._cache:  # every page of one query sees the same list (and big fixtures stay fast)
            self._cache[key] = self._current(resource, low, high)
        return self._cache[key]

    def _current(self, resource: str, low: int | None, high: int | None) -> list[dict[str, Any]]:
        latest: dict[str, tuple[int, dict[str, Any]]] = {}
        for entry in self.records.get(resource, []):
            version, body = entry["changeVersion"], entry["resource"]
            if version <= self.newest and version >= latest.get(body["id"], (-1, {}))[0]:
                latest[body["id"]] = (version, body)
        gone = {
            d["id"]: d["changeVersion"]
            for d in self.deletes.get(resource, [])
            if d["changeVersion"] <= self.newest
        }
        return [
            body
            for rid, (version, body) in latest.items()
            if not (rid in gone and gone[rid] > version)
            and (low is None or version >= low)
            and (high is None or version <= high)
        ]

    def deleted(self, resource: str, low: int | None, high: int | None) -> list[dict[str, Any]]:
        """The resource's deletes within [low, high] (and at or below :attr:`newest`)."""
        return [
            d
            for d in self.deletes.get(resource, [])
            if d["changeVersion"] <= self.newest
            and (low is None or d["changeVersion"] >= low)
            and (high is None or d["changeVersion"] <= high)
        ]

    def take_failure(self, path: str, query: dict[str, str]) -> Failure | None:
        """The first pending failure matching this request (consumed)."""
        with self._lock:
            for failure in self.failures:
                offset_ok = failure.offset is None or query.get("offset") == str(failure.offset)
                if failure.times > 0 and failure.path in path and offset_ok:
                    failure.times -= 1
                    return failure
        return None


def _problem(status: int, title: str, detail: str) -> dict[str, Any]:
    return {
        "detail": detail,
        "type": f"urn:ed-fi:api:{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "correlationId": secrets.token_hex(8),
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "EdFiReplay/7"

    @property
    def replay(self) -> Replay:
        return self.server.replay  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads :attr:`Replay.log` instead."""

    def _send(
        self, status: int, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None
    ) -> None:
        payload = raw if raw is not None else json.dumps(body).encode()
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.replay.log.append(Logged(self.command, parts.path, query, status))  # before the client can read
        self.send_response(status)
        self.send_header(
            "Content-Type", "text/html" if raw is not None else "application/json; charset=utf-8"
        )
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        """The token endpoint."""
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if urllib.parse.urlsplit(self.path).path != f"{PREFIX}/oauth/token":
            return self._send(404, _problem(404, "Not Found", "no such endpoint"))
        auth = self.headers.get("Authorization", "")
        given = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        expected = f"{self.replay.client_id}:{self.replay.client_secret}"
        if form.get("grant_type") != "client_credentials":
            return self._send(400, {"error": "unsupported_grant_type"})
        if not secrets.compare_digest(given, expected):
            return self._send(401, {"error": "invalid_client"})
        token = secrets.token_hex(16)
        self.replay.tokens.add(token)
        return self._send(200, {"access_token": token, "expires_in": 1800, "token_type": "bearer"})

    def do_GET(self) -> None:
        """Change versions and data resources (with their deletes)."""
        replay = self.replay
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        failure = replay.take_failure(parts.path, query)
        if failure is not None and failure.kind == "revoke-tokens":
            replay.tokens.clear()
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in replay.tokens:
            problem = _problem(401, "Authentication Failed", "The caller could not be authenticated.")
            return self._send(401, problem, {"WWW-Authenticate": "Bearer"})
        if failure is not None and failure.kind == "status":
            headers = {"Retry-After": "0"} if failure.status == 429 else {}
            return self._send(
                failure.status, _problem(failure.status, "Injected", "injected failure"), headers
            )
        if failure is not None and failure.kind == "redirect":
            return self._send(302, {}, {"Location": "https://elsewhere.invalid/api" + parts.path})
        if failure is not None and failure.kind == "not-json":
            return self._send(200, None, raw=b"<html><body><h1>502 Bad Gateway</h1></body></html>")
        if parts.path == f"{PREFIX}/changeQueries/v1/availableChangeVersions":
            return self._send(
                200, {"oldestChangeVersion": replay.oldest, "newestChangeVersion": replay.newest}
            )
        if not parts.path.startswith(DATA):
            return self._send(404, _problem(404, "Not Found", "no such endpoint"))
        return self._data(parts.path.removeprefix(DATA), query, failure)

    def _data(self, name: str, query: dict[str, str], failure: Failure | None) -> None:
        replay = self.replay
        deletes = name.endswith("/deletes")
        resource = name.removesuffix("/deletes")
        if resource.count("/") != 1:
            return self._send(404, _problem(404, "Not Found", f"no resource {name}"))
        try:
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 25))
            low = int(query["minChangeVersion"]) if "minChangeVersion" in query else None
            high = int(query["maxChangeVersion"]) if "maxChangeVersion" in query else None
        except ValueError:
            return self._send(
                400, _problem(400, "Bad Request", "offset, limit and change versions are numbers")
            )
        if not 0 <= limit <= 500:
            detail = "Limit must be omitted or set to a value between 0 and 500."
            return self._send(400, _problem(400, "Parameter Validation Failed", detail))
        items = replay.deleted(resource, low, high) if deletes else replay.current(resource, low, high)
        page = items[offset : offset + limit]
        if failure is not None and failure.kind == "truncate":
            page = page[: max(0, len(page) - 3)]
        headers = {"Total-Count": str(len(items))} if query.get("totalCount") == "true" else {}
        return self._send(200, page, headers)
