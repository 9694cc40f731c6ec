"""A small, bounded HTTP/1.1 load generator for the load benchmark (no dependency beyond asyncio).

``concurrency`` connections each send GET requests back to back for ``duration`` seconds, keeping the connection
alive when the server allows it and opening a new one when the server closes it (gunicorn's sync workers close
after every response).  Every response is read in full (``Content-Length`` or chunked); a request that fails, times
out or answers other than 200 is an error.  The generator stops on its own at the deadline.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

TIMEOUT = 30.0


@dataclass
class Result:
    """What one run measured."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    connections: int = 0
    bytes: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0

    def summary(self) -> dict[str, Any]:
        """Requests per second, latency percentiles in milliseconds, errors and the client's own CPU use."""
        lat = sorted(self.latencies)

        def pct(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else None

        return {
            "requests": len(lat),
            "requests_per_second": round(len(lat) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
            "errors": len(self.errors),
            "first_errors": self.errors[:3],
            "connections_opened": self.connections,
            "mean_response_bytes": int(self.bytes / len(lat)) if lat else 0,
            "client_cpu_share": round(self.client_cpu / self.seconds, 2) if self.seconds else 0.0,
        }


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool, int]:
    """Read one response: its status, whether the server keeps the connection, and the body's length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        size = len(body)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    else:  # the body runs to the end of the connection
        size = len(await reader.read())
        return status, False, size
    keep = headers.get("connection", "").lower() != "close" and not lines[0].startswith("HTTP/1.0")
    return status, keep, size


async def _connection(host: str, port: int, request: bytes, deadline: float, result: Result) -> None:
    stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            if stream is None:
                stream = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
                result.connections += 1
            reader, writer = stream
            writer.write(request)
            status, keep, size = await asyncio.wait_for(_response(reader), TIMEOUT)
        except (
            OSError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            TimeoutError,
            ValueError,
        ) as exc:
            result.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            if stream is not None:
                stream[1].close()
            stream = None
            continue
        result.latencies.append(time.perf_counter() - started)
        result.bytes += size
        if status != 200:
            result.errors.append(f"HTTP {status}")
        if not keep:
            writer.close()
            stream = None
    if stream is not None:
        stream[1].close()


async def _run(host: str, port: int, request: bytes, concurrency: int, duration: float) -> Result:
    result = Result()
    cpu, started = time.process_time(), time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(_connection(host, port, request, deadline, result) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu
    return result


def drive(host: str, port: int, path: str, cookie: str, *, concurrency: int, duration: float) -> Result:
    """GET ``path`` with ``cookie`` on ``concurrency`` connections for ``duration`` seconds."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\nAccept: text/html\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode("latin-1")
    return asyncio.run(_run(host, port, request, concurrency, duration))
