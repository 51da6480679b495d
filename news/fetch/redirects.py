"""Following redirects ourselves, so that each hop is checked before it is requested.

httpx would follow a redirect to any address; here every target passes the outbound policy
(``news.fetch.policy``) first, and a hop to another origin drops the user name and password
of the URL it came from.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from news.fetch.policy import OutboundPolicy, Resolve


class RedirectRefusedError(Exception):
    """A redirect the policy does not allow; the message says why and where it went."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect followed: its status and the target it named (fragment kept)."""

    status: int
    target: str


@dataclass(slots=True)
class Followed:
    """The final response (streaming, still open) and the redirects that led to it."""

    response: httpx.Response
    hops: list[Hop] = field(default_factory=list)


@asynccontextmanager
async def follow(
    client: httpx.AsyncClient,
    url: str,
    *,
    headers: dict[str, str],
    policy: OutboundPolicy,
    origin: str,
    resolve: Resolve | None = None,
) -> AsyncIterator[Followed]:
    """GET ``url`` and the redirects it leads to, at most ``client.max_redirects``, each
    allowed by ``policy``; yields the final response, closed when the block ends."""
    hops: list[Hop] = []
    current = url
    for _ in range(client.max_redirects + 1):
        request = client.build_request("GET", current, headers=headers)
        response = await client.send(request, stream=True, follow_redirects=False)
        location = response.headers.get("location") if response.is_redirect else None
        if location is None:
            try:
                yield Followed(response, hops)
            finally:
                await response.aclose()
            return
        await response.aclose()
        target = str(response.url.join(location.strip()))
        reason = await policy.refusal(target, origin=origin, previous=current, resolve=resolve)
        if reason is not None:
            raise RedirectRefusedError(f"redirect to {_shown(target)} refused: {reason}")
        hops.append(Hop(response.status_code, target))
        current = without_credentials(target) if _origin(target) != _origin(current) else target
    raise httpx.TooManyRedirects("too many redirects", request=request)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def without_credentials(url: str) -> str:
    """``url`` without a user name, password or fragment: what may be requested or stored."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def _shown(url: str) -> str:
    """A redirect target for a message: no credentials, at most 200 characters."""
    shown = without_credentials(url)
    return shown if len(shown) <= 200 else shown[:199] + "…"
