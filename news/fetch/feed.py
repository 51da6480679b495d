"""Fetching one feed politely and safely: conditional GET, redirects, hard limits.

The client is passed in (one shared ``httpx.AsyncClient``, see ``make_http_client``). Redirects
are followed by ``news.fetch.redirects``, each hop allowed by the outbound policy first. Bodies
are decoded by ``news.fetch.decode``, not by httpx, so the size cap holds for the *decoded* bytes.

A body that grows past ``LARGE_BODY`` waits for one of ``LARGE_BODIES`` places (held by
``HostLimiter``) before more of it is read; small bodies never wait. That wait is ours, so it
does not count against the publisher's deadline.
"""

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from news.fetch.decode import BadEncodingError, decoded_body
from news.fetch.policy import STRICT, OutboundPolicy
from news.fetch.redirects import Followed, RedirectRefusedError, follow, without_credentials
from news.fetch.sniff import challenge_hint
from news.models import FeedStatus, Validators

ACCEPT = (
    "application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, "
    "application/feed+json;q=0.6, application/json;q=0.5, application/xml;q=0.4, "
    "text/xml;q=0.4, */*;q=0.1"
)
ERROR_BODY_PEEK = 64 * 1024
LARGE_BODY = 1024 * 1024  # decoded bytes any download may hold without a large-body place
LARGE_BODIES = 8  # worst case at 64 in flight: 64 × 1 MiB + 8 × 10 MiB = 144 MiB, not 640 MiB

# httpcore checks every idle connection against all the others each time a request starts or
# ends, so a pool full of idle ones costs more CPU than reconnecting saves (a second of a
# 500-feed cycle at 64 in flight). Feeds of one host polled back to back still reuse these.
IDLE_CONNECTIONS = 16

LargeBodyHook = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Hard limits on one request."""

    max_body: int
    total_timeout: timedelta


@dataclass(frozen=True, slots=True)
class Fetched:
    """A new document to parse."""

    body: bytes
    headers: dict[str, str]
    final_url: str
    validators: Validators
    moved_to: str | None


@dataclass(frozen=True, slots=True)
class NotModified:
    """Nothing new: a 304, or a 200 whose body hashes the same as last time."""

    validators: Validators
    moved_to: str | None
    same_body: bool = False  # a 200 with the very bytes we had: the server ignored validators


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """The fetch failed; ``status`` and ``message`` say how, for the admin."""

    status: FeedStatus
    message: str
    http_status: int | None = None
    retry_after: datetime | None = None
    moved_to: str | None = None


FetchOutcome = Fetched | NotModified | FetchFailed


class BodyTooLargeError(Exception):
    """The decoded body passed the cap."""


def make_http_client(
    *, user_agent: str, connect_timeout: timedelta, max_redirects: int, concurrency: int
) -> httpx.AsyncClient:
    """The one shared client for feeds. Timeouts per phase; the total deadline is ours."""
    timeout = httpx.Timeout(connect_timeout.total_seconds(), read=20.0, write=10.0, pool=None)
    return httpx.AsyncClient(
        follow_redirects=False,  # news.fetch.redirects follows them, checking each hop
        max_redirects=max_redirects,
        timeout=timeout,
        limits=httpx.Limits(
            max_connections=concurrency, max_keepalive_connections=IDLE_CONNECTIONS
        ),
        headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
    )


class HostLimiter:
    """Bounded concurrency overall and per host, so no publisher sees a burst from us; and few
    large bodies at once, so each request allowed in flight costs 1 MiB of memory, not 10."""

    def __init__(self, *, overall: int, per_host: int) -> None:
        self._overall = asyncio.Semaphore(overall)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        # A body past LARGE_BODY takes one of these and keeps it until its feed is stored.
        self.large = asyncio.Semaphore(LARGE_BODIES)

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Wait for a free slot for ``url``'s host, then for one overall."""
        async with self._hosts[(urlsplit(url).hostname or "").lower()], self._overall:
            yield


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    validators: Validators,
    limits: FetchLimits,
    *,
    now: datetime,
    on_large: LargeBodyHook | None = None,
    policy: OutboundPolicy = STRICT,
    origin: str | None = None,
) -> FetchOutcome:
    """GET ``url`` conditionally and classify the result. Never raises for network trouble.

    ``on_large`` is awaited once if the body passes ``LARGE_BODY``, before more is read; the
    time it takes is not counted against ``limits.total_timeout``. Redirects must pass
    ``policy``; ``origin`` is the URL the admin configured (``url`` may be where it moved).
    """
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    try:
        async with asyncio.timeout(limits.total_timeout.total_seconds()) as deadline:
            wait = _off_the_clock(deadline, on_large) if on_large else None
            request = follow(client, url, headers=headers, policy=policy, origin=origin or url)
            return await _fetch(request, validators, limits, now, on_large=wait)
    except RedirectRefusedError as error:
        return FetchFailed(FeedStatus.REDIRECTS, str(error))
    except TimeoutError:
        return FetchFailed(
            FeedStatus.TIMEOUT,
            f"no complete answer within {limits.total_timeout.total_seconds():g}s",
        )
    except httpx.TooManyRedirects:
        return FetchFailed(FeedStatus.REDIRECTS, "too many redirects (or a redirect loop)")
    except httpx.TimeoutException as error:
        return FetchFailed(FeedStatus.TIMEOUT, _describe_timeout(error))
    except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        return FetchFailed(FeedStatus.NETWORK, _describe_network(error))


async def _fetch(
    request: AbstractAsyncContextManager[Followed],
    old: Validators,
    limits: FetchLimits,
    now: datetime,
    *,
    on_large: LargeBodyHook | None = None,
) -> FetchOutcome:
    async with request as followed:
        response = followed.response
        moved_to = permanent_location(followed)
        status = response.status_code
        if status == 304:
            return NotModified(_refresh(old, response.headers), moved_to)
        if status != 200:
            peek = await _peek(response)
            return _failure(response, peek, now, moved_to)
        try:
            body = await read_capped(response, limits.max_body, on_large=on_large)
        except BodyTooLargeError:
            return FetchFailed(
                FeedStatus.TOO_LARGE,
                f"body larger than {limits.max_body // 1024} KiB once decoded; cut off",
                200,
                moved_to=moved_to,
            )
        except BadEncodingError as error:
            return FetchFailed(FeedStatus.NETWORK, str(error), 200, moved_to=moved_to)
    body_hash = hashlib.sha256(body).hexdigest()
    validators = Validators(
        response.headers.get("etag"), response.headers.get("last-modified"), body_hash
    )
    if body_hash == old.body_hash:
        return NotModified(validators, moved_to, same_body=True)
    lowered = {k.lower(): v for k, v in response.headers.items()}
    lowered["content-location"] = str(response.url)
    return Fetched(body, lowered, str(response.url), validators, moved_to)


def _off_the_clock(deadline: asyncio.Timeout, wait: LargeBodyHook) -> LargeBodyHook:
    """``wait`` with ``deadline`` paused: time spent queueing for a place of ours is not the
    publisher's slowness, and must not be reported as a timeout of theirs."""

    async def paused() -> None:
        loop = asyncio.get_running_loop()
        when = deadline.when()
        left = None if when is None else when - loop.time()
        deadline.reschedule(None)
        try:
            await wait()
        finally:
            deadline.reschedule(None if left is None else loop.time() + left)

    return paused


def _refresh(old: Validators, headers: httpx.Headers) -> Validators:
    """A 304 may carry fresher validators (RFC 9111 §4.3.4); keep the body hash."""
    return Validators(
        headers.get("etag") or old.etag,
        headers.get("last-modified") or old.last_modified,
        old.body_hash,
    )


def permanent_location(followed: Followed) -> str | None:
    """The new URL when every hop was a permanent redirect (301/308), credentials removed."""
    if not followed.hops or any(hop.status not in (301, 308) for hop in followed.hops):
        return None
    return without_credentials(str(followed.response.url))


def _failure(
    response: httpx.Response, peek: bytes, now: datetime, moved_to: str | None
) -> FetchFailed:
    status = response.status_code
    hint = challenge_hint(response.headers, peek)
    if hint and status in (403, 429, 503):
        return FetchFailed(FeedStatus.BLOCKED, f"HTTP {status}: {hint}", status, None, moved_to)
    if status == 410:
        return FetchFailed(FeedStatus.GONE, "HTTP 410 Gone: the publisher removed this feed", 410)
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        if status == 429 or retry_after is not None:
            wait = f" until {retry_after:%Y-%m-%d %H:%M} UTC" if retry_after else ""
            return FetchFailed(
                FeedStatus.RATE_LIMITED,
                f"HTTP {status}: the server asked us to wait{wait}",
                status,
                retry_after,
                moved_to,
            )
    reason = response.reason_phrase or "error"
    return FetchFailed(FeedStatus.HTTP_ERROR, f"HTTP {status} {reason}", status, None, moved_to)


MAX_RETRY_AFTER = 7 * 86400  # a week: longer asks are not believed


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After as seconds or as an HTTP date; None when absent or nonsense."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # not "²"; and never int() of thousands of digits
        seconds = int(value) if len(value) <= 9 else MAX_RETRY_AFTER
        return now + timedelta(seconds=min(seconds, MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(when, now)


async def _peek(response: httpx.Response) -> bytes:
    """The start of an error body, to recognise challenge pages; never the whole thing."""
    try:
        return await read_capped(response, ERROR_BODY_PEEK, truncate=True)
    except (BodyTooLargeError, BadEncodingError, httpx.HTTPError):
        return b""


async def read_capped(
    response: httpx.Response,
    cap: int,
    *,
    truncate: bool = False,
    on_large: LargeBodyHook | None = None,
) -> bytes:
    """Read and decode the body, stopping once the decoded size passes ``cap``.

    ``on_large`` is awaited once, the first time the decoded size passes ``LARGE_BODY``, before
    anything more is read or inflated.
    """
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isascii() and declared.isdigit() and _exceeds(declared, cap):
        raise BodyTooLargeError
    parts: list[bytes] = []
    size = 0
    async with aclosing(decoded_body(response)) as pieces:
        async for piece in pieces:
            parts.append(piece)
            size += len(piece)
            if size > cap:
                if truncate:
                    return b"".join(parts)[:cap]
                raise BodyTooLargeError
            if on_large is not None and size > LARGE_BODY:
                await on_large()
                on_large = None  # once: the caller keeps what it took for the whole body
    return b"".join(parts)


def _describe_timeout(error: httpx.TimeoutException) -> str:
    if isinstance(error, httpx.ConnectTimeout):
        return "could not connect in time"
    return "the server stopped answering (read timeout)"


def _describe_network(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"{type(error).__name__}: {text}"


def _exceeds(digits: str, cap: int) -> bool:
    """Whether the number ``digits`` spell is past ``cap``, without reading thousands of digits
    into an int (Python refuses past 4,300)."""
    digits = digits.lstrip("0")
    return len(digits) > len(str(cap)) or int(digits or "0") > cap
