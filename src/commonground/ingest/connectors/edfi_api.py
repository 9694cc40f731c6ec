"""Ed-Fi ODS/API v7 (Data Standard 5) client: OAuth2 client credentials, paging with Total-Count, change queries.

Standard library only (``urllib.request``). URLs, with ``base`` as the operator gives it (``https://host/api``):

- ``POST {base}/oauth/token`` — client credentials: HTTP basic auth of key:secret, ``grant_type=client_credentials``;
- ``GET {base}/changeQueries/v1/availableChangeVersions`` — ``{oldestChangeVersion, newestChangeVersion}``;
- ``GET {base}/data/v3/{namespace}/{resource}[/deletes]?offset=&limit=&totalCount=true[&minChangeVersion=…]``.

The bearer token is reused until shortly before it expires; a 401 on a data request renews it once. Throttling
(429) and server errors (5xx), dropped connections and timeouts are retried with exponential backoff (bounded,
honouring ``Retry-After``). Everything else an operator must act on raises :class:`EdfiApiError`, whose message
is one line naming the URL: refused credentials, an unreachable host, a body that is not JSON...
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

DEFAULT_LIMIT = 500
MAX_LIMIT = 500
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: The token is renewed this many seconds before the API says it expires.
TOKEN_MARGIN = 30.0
MAX_RETRY_AFTER = 60.0
SNIPPET_CHARS = 80


class EdfiApiError(Exception):
    """The Ed-Fi API cannot be used as asked; ``str(exc)`` is one line that names the URL."""


@dataclass(frozen=True)
class ChangeVersions:
    """The change versions an ODS can serve (``availableChangeVersions``)."""

    oldest: int
    newest: int


@dataclass
class Page:
    """One page of a resource (or of its ``/deletes``) exactly as received."""

    resource: str
    number: int
    offset: int
    limit: int
    url: str
    body: bytes
    items: list[Any]
    total_count: int | None

    @property
    def expected(self) -> int | None:
        """How many items this page should hold according to Total-Count (None when the header was absent)."""
        if self.total_count is None:
            return None
        return max(0, min(self.limit, self.total_count - self.offset))


@dataclass
class Stats:
    """What a client did: HTTP requests (retries and token requests included), retries, tokens obtained."""

    requests: int = 0
    retries: int = 0
    tokens: int = 0


def _snippet(body: bytes) -> str:
    text = body[:SNIPPET_CHARS].decode("utf-8", "replace")
    return " ".join(text.split())


def _detail(body: bytes) -> str:
    """The problem-details ``detail`` (or ``message``/``error``) of an error body, else its first characters."""
    try:
        data = json.loads(body)
    except ValueError:
        return _snippet(body)
    if isinstance(data, dict):
        for key in ("detail", "message", "error_description", "error", "title"):
            if data.get(key):
                return " ".join(str(data[key]).split())[:200]
    return _snippet(body)


def parse_json(body: bytes, url: str, headers: Message | None = None) -> Any:
    """The JSON of a response body, or an :class:`EdfiApiError` naming the URL and what came instead."""
    try:
        return json.loads(body)
    except ValueError:
        kind = headers.get("Content-Type", "no content type") if headers is not None else "no content type"
        raise EdfiApiError(
            f"the Ed-Fi API answered with a body that is not JSON at {url} ({kind}): {_snippet(body)!r}"
        ) from None


def _oauth_error(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return str(data.get("error")) if isinstance(data, dict) else None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answered as errors: following one would send the bearer token to another address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: Only http(s) handlers are used: the client's base URL is checked in EdfiApiClient.__init__.
_OPENER = urllib.request.build_opener(_NoRedirects)


def _retry_after(headers: Message) -> float | None:
    value = headers.get("Retry-After")
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value))) if value is not None else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


def _network_message(exc: BaseException, url: str, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"the Ed-Fi API did not answer within {timeout:g} s at {url}"
    if isinstance(reason, socket.gaierror):
        return f"cannot reach the Ed-Fi API at {url}: unknown host name"
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot reach the Ed-Fi API at {url}: connection refused"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return f"cannot reach the Ed-Fi API at {url}: {text}"


class EdfiApiClient:
    """A client of one Ed-Fi ODS/API with one set of client credentials.

    Example:
        >>> client = EdfiApiClient("https://api.example.org/api", "key", "secret")  # doctest: +SKIP
        >>> versions = client.available_change_versions()  # doctest: +SKIP
        >>> for page in client.pages("ed-fi/students", max_change_version=versions.newest): ...  # doctest: +SKIP
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EdfiApiError(
                f"the Ed-Fi API base URL must start with http:// or https:// (got {base_url!r})"
            )
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock
        self.stats = Stats()
        self._token: str | None = None
        self._expires = 0.0

    def url(self, path: str, params: Mapping[str, object] | None = None) -> str:
        """The absolute URL of ``path`` (relative to the base URL) with its query string."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base_url}/{path.lstrip('/')}{query}"

    def _send(self, request: urllib.request.Request) -> tuple[int, Message, bytes]:
        """One HTTP exchange; throttling, server errors and network failures are retried (bounded)."""
        attempt = 0
        while True:
            self.stats.requests += 1
            wait = self.backoff * 2**attempt
            try:
                with _OPENER.open(request, timeout=self.timeout) as response:
                    return response.status, response.headers, response.read()
            except urllib.error.HTTPError as exc:
                body = exc.read() if exc.fp is not None else b""
                if exc.code not in RETRY_STATUSES or attempt >= self.max_retries:
                    return exc.code, exc.headers, body
                after = _retry_after(exc.headers)
                wait = wait if after is None else after
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                if attempt >= self.max_retries:
                    raise EdfiApiError(_network_message(exc, request.full_url, self.timeout)) from None
            attempt += 1
            self.stats.retries += 1
            self.sleep(wait)

    def token(self, *, renew: bool = False) -> str:
        """A bearer token (the cached one while it is valid, unless ``renew``)."""
        if self._token and not renew and self.clock() < self._expires:
            return self._token
        url = self.url("oauth/token")
        basic = base64.b64encode(f"{self.client_id}:{self._secret}".encode()).decode("ascii")
        request = _request(
            url,
            data=b"grant_type=client_credentials",
            method="POST",
            headers={
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        status, headers, body = self._send(request)
        refused = status in (401, 403) or (
            status == 400 and _oauth_error(body) in ("invalid_client", "unauthorized_client")
        )
        if refused:
            raise EdfiApiError(f"the Ed-Fi API refused the client credentials ({status}) at {url}")
        if status != 200:
            raise EdfiApiError(
                f"the Ed-Fi API answered {status} to the token request at {url}: {_detail(body)}"
            )
        data = parse_json(body, url, headers)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise EdfiApiError(f"the Ed-Fi API token response at {url} has no access_token")
        try:
            lifetime = float(data.get("expires_in") or 1800)
        except (TypeError, ValueError):
            lifetime = 1800.0
        self.stats.tokens += 1
        self._token, self._expires = token, self.clock() + max(0.0, lifetime - TOKEN_MARGIN)
        return token

    def get(self, path: str, params: Mapping[str, object] | None = None) -> tuple[bytes, Message, str]:
        """GET ``path`` with the bearer token (renewed once on a 401): the body, headers and URL of a 200."""
        url = self.url(path, params)
        status, headers, body = 0, Message(), b""
        for renew in (False, True):
            request = _request(
                url,
                headers={"Authorization": f"Bearer {self.token(renew=renew)}", "Accept": "application/json"},
            )
            status, headers, body = self._send(request)
            if status != 401:
                break
        if status == 200:
            return body, headers, url
        if status == 401:
            raise EdfiApiError(f"the Ed-Fi API refused a freshly issued access token (401) at {url}")
        if 300 <= status < 400:
            where = headers.get("Location", "elsewhere")
            raise EdfiApiError(
                f"the Ed-Fi API redirects ({status}) {url} to {where}; give the base URL it names"
            )
        if status == 403:
            raise EdfiApiError(
                f"the Ed-Fi API client may not read {path} (403) at {url}; "
                "ask the API's administrator for a claim set that covers it"
            )
        if status == 404:
            raise EdfiApiError(
                f"the Ed-Fi API has no {path} (404) at {url}; check the base URL and resource name"
            )
        if status in RETRY_STATUSES:
            raise EdfiApiError(
                f"the Ed-Fi API still answered {status} at {url} after {self.max_retries + 1} attempts: "
                f"{_detail(body)}"
            )
        raise EdfiApiError(f"the Ed-Fi API answered {status} at {url}: {_detail(body)}")

    def available_change_versions(self) -> ChangeVersions | None:
        """The oldest and newest change versions, or None when the API has no change queries (404)."""
        try:
            body, headers, url = self.get("changeQueries/v1/availableChangeVersions")
        except EdfiApiError as exc:
            if "(404)" in str(exc):
                return None
            raise
        data = parse_json(body, url, headers)
        lower = {str(k).lower(): v for k, v in data.items()} if isinstance(data, dict) else {}
        try:
            return ChangeVersions(int(lower["oldestchangeversion"]), int(lower["newestchangeversion"]))
        except (KeyError, TypeError, ValueError):
            raise EdfiApiError(
                f"the Ed-Fi API at {url} did not give oldestChangeVersion and newestChangeVersion: {_snippet(body)!r}"
            ) from None

    def pages(
        self,
        resource: str,
        *,
        limit: int = DEFAULT_LIMIT,
        min_change_version: int | None = None,
        max_change_version: int | None = None,
        deletes: bool = False,
    ) -> Iterator[Page]:
        """Every page of a resource (``"ed-fi/students"``) or of its deletes, asking for Total-Count.

        The first page's Total-Count decides how many pages are fetched; without the header, paging stops at
        the first page shorter than ``limit``. Each page is yielded as received, so callers can store it.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT} (got {limit})")
        name = f"{resource}/deletes" if deletes else resource
        offset, number, total, previous = 0, 1, None, None
        while True:
            params: dict[str, object] = {"offset": offset, "limit": limit, "totalCount": "true"}
            if min_change_version is not None:
                params["minChangeVersion"] = min_change_version
            if max_change_version is not None:
                params["maxChangeVersion"] = max_change_version
            body, headers, url = self.get(f"data/v3/{name}", params)
            items = parse_json(body, url, headers)
            if not isinstance(items, list):
                raise EdfiApiError(
                    f"the Ed-Fi API answered with a JSON {type(items).__name__} instead of a list at {url}"
                )
            page_total = _total_count(headers)
            total = page_total if number == 1 else total
            yield Page(name, number, offset, limit, url, body, items, page_total)
            if total is None and items and body == previous:
                raise EdfiApiError(f"the Ed-Fi API ignores offset at {url}: two pages were identical")
            offset, number, previous = offset + limit, number + 1, body
            if (total is not None and offset >= total) or (total is None and len(items) < limit):
                return


def _request(
    url: str, *, headers: dict[str, str], data: bytes | None = None, method: str = "GET"
) -> urllib.request.Request:
    # Only http(s) URLs reach here: the client's base URL is checked in EdfiApiClient.__init__.
    return urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310


def _total_count(headers: Message) -> int | None:
    value = headers.get("Total-Count")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
