"""A loopback HTTP server that plays feed publishers, good and hostile.

Runs aiohttp in its own thread and event loop, so the code under test (in the test's loop, or
in a subprocess) talks to it over real sockets. Routes are set per path; every request is logged.
"""

import asyncio
import ssl
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cache
from typing import Any

from aiohttp import web

# Seconds a ``together`` reply waits for the others: under the tests' 5 s total_timeout.
TOGETHER_WAIT = 4.0


@dataclass
class Reply:
    """One canned response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering (timeouts, latency)
    # Answer only once this many requests are being answered at once (or after TOGETHER_WAIT):
    # requests made side by side meet here however slowly a busy machine starts them.
    together: int = 0
    stream: Callable[[], AsyncIterator[bytes]] | None = None  # body generated on the fly

    def __post_init__(self) -> None:
        self.headers = {k.lower(): v for k, v in self.headers.items()}


@dataclass(frozen=True)
class Hit:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    status: int


class FeedServer:
    """``with FeedServer() as server: server.route("/a.xml", Reply(body))``."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        more_hosts: Sequence[str] = (),
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.latency = latency
        self.host = host
        self.tls = tls  # serve https with this context
        self.more_hosts = tuple(more_hosts)  # other loopback addresses, same port
        self.port = 0
        self.hits: list[Hit] = []
        self.in_flight: dict[str, int] = {}  # by the Host header: requests being answered
        self.peak_in_flight: dict[str, int] = {}
        self.peak_total = 0
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> "FeedServer":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start serving on an ephemeral port."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()
        # Handlers still sleeping (a deliberately slow reply) must not outlive the loop.
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, ssl_context=self.tls)
        await site.start()
        self.port = self._runner.addresses[0][1]
        for host in self.more_hosts:
            await web.TCPSite(self._runner, host, self.port).start()

    # -- routes ----------------------------------------------------------------------------------

    def url(self, path: str, host: str | None = None) -> str:
        """The absolute URL of ``path`` on this server (at ``host``, one of its addresses)."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def route(self, path: str, *replies: Reply) -> str:
        """Serve ``replies`` in turn at ``path`` (the last one repeats); returns the URL."""
        with self._lock:
            self._routes[path] = list(replies)
        return self.url(path)

    def feed(self, path: str, body: bytes, **headers: str) -> str:
        """Serve a feed with an ETag and Last-Modified, honouring conditional requests."""
        etag = f'"{zlib.crc32(body):08x}"'
        modified = format_datetime(datetime(2026, 1, 1, tzinfo=UTC), usegmt=True)
        content_type = headers.pop("content_type", "application/rss+xml; charset=utf-8")
        return self.route(
            path,
            Reply(body, etag=etag, last_modified=modified, headers={"content-type": content_type}),
        )

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        """A redirect from ``path`` to ``to`` (a path or a URL)."""
        return self.route(path, Reply(status=status, headers={"location": to}))

    def hits_for(self, path: str) -> list[Hit]:
        """Requests made for ``path``."""
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    # -- serving ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = request.host
        with self._lock:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            peak = max(self.peak_in_flight.get(host, 0), self.in_flight[host])
            self.peak_in_flight[host] = peak
            self.peak_total = max(self.peak_total, sum(self.in_flight.values()))
        try:
            return await self._answer(request)
        finally:
            with self._lock:
                self.in_flight[host] -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs if request.query_string else request.path
        with self._lock:
            replies = self._routes.get(path) or self._routes.get(request.path)
            reply = (replies.pop(0) if len(replies) > 1 else replies[0]) if replies else None
        if self.latency:
            await asyncio.sleep(self.latency)
        if reply is None:
            return self._log(request, web.Response(status=404, text="no such feed"))
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.together:
            await self._gathered(reply.together)
        if _not_modified(request, reply):
            return self._log(request, web.Response(status=304, headers=_validators(reply)))
        headers = {**reply.headers, **_validators(reply)}
        if reply.stream is not None:
            return self._log(request, await _stream(request, reply, headers))
        return self._log(
            request, web.Response(status=reply.status, body=reply.body, headers=headers)
        )

    async def _gathered(self, count: int) -> None:
        """Until ``count`` requests are being answered at once, or ``TOGETHER_WAIT`` passed."""
        deadline = time.monotonic() + TOGETHER_WAIT
        # The count is read under the thread lock, so it is looked at rather than awaited.
        while sum(self.in_flight.values()) < count and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    def _log(self, request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
        path = request.path_qs if request.query_string else request.path
        with self._lock:
            self.hits.append(Hit(path, dict(request.headers), response.status))
        return response


def _validators(reply: Reply) -> dict[str, str]:
    headers = {}
    if reply.etag:
        headers["etag"] = reply.etag
    if reply.last_modified:
        headers["last-modified"] = reply.last_modified
    return headers


def _not_modified(request: web.Request, reply: Reply) -> bool:
    if reply.status != 200:
        return False
    if reply.etag and request.headers.get("if-none-match") == reply.etag:
        return True
    since = request.headers.get("if-modified-since")
    return bool(reply.last_modified and since == reply.last_modified and not reply.etag)


async def _stream(request: web.Request, reply: Reply, headers: dict[str, str]) -> Any:
    response = web.StreamResponse(status=reply.status, headers=headers)
    await response.prepare(request)
    assert reply.stream is not None
    try:
        async for chunk in reply.stream():
            await response.write(chunk)
        await response.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass  # the client hung up, as it should on an oversized body
    return response


def endless(chunk: bytes, total: int) -> Callable[[], AsyncIterator[bytes]]:
    """A body of ``total`` bytes made of ``chunk`` repeated, generated as it is sent."""

    async def generate() -> AsyncIterator[bytes]:
        sent = 0
        while sent < total:
            piece = chunk[: total - sent]
            sent += len(piece)
            yield piece

    return generate


@cache
def gzip_bomb(decoded_size: int) -> bytes:
    """``decoded_size`` zero bytes, gzip-compressed (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decoded_size // len(block))]
    return b"".join(parts) + compressor.flush()


def rss(items: Iterable[dict[str, str]], *, title: str = "Test feed") -> bytes:
    """A small RSS 2.0 document; each item dict may have title, link, guid, description, date."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.org/</link><description>t</description>",
    ]
    for item in items:
        parts.append("<item>")
        for tag, key in (
            ("title", "title"),
            ("link", "link"),
            ("guid", "guid"),
            ("description", "description"),
            ("pubDate", "date"),
        ):
            if key in item:
                parts.append(f"<{tag}>{item[key]}</{tag}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()
