"""Resolving an aggregator item to the story it sits in ("read it in context").

BHRRC item URLs redirect, by HTTP, by meta refresh or by a notice page, to the story page plus
``#c<item id>``. That anchored URL is what subscribers should open. IO: the client is passed in.
The item URL comes from feed content, so it and every redirect must pass the outbound policy.
"""

import asyncio
from datetime import timedelta

import httpx

from news.fetch.decode import BadEncodingError
from news.fetch.feed import BodyTooLargeError, read_capped
from news.fetch.policy import STRICT, OutboundPolicy
from news.fetch.redirects import Hop, RedirectRefusedError, follow
from news.models import ContextResult
from news.text.extract import find_context_link
from news.text.urls import canonical_context_url, split_context_anchor

MAX_PAGE = 2 * 1024 * 1024


async def resolve_context(
    client: httpx.AsyncClient,
    item_url: str,
    *,
    time_limit: timedelta,
    origin: str,
    policy: OutboundPolicy = STRICT,
) -> ContextResult:
    """Follow ``item_url`` to its story: redirects first, then the page's own pointer.
    ``origin`` is the URL of the feed that carried the item."""
    refused = await policy.refusal(item_url, origin=origin)
    if refused is not None:
        return ContextResult(None, f"not requested: {refused}", retry=False)
    try:
        async with (
            asyncio.timeout(time_limit.total_seconds()),
            follow(client, item_url, headers={}, policy=policy, origin=origin) as followed,
        ):
            anchored = _anchored_hop(followed.hops)
            if anchored is not None:
                return ContextResult(anchored)
            response = followed.response
            if response.status_code != 200:
                return ContextResult(None, f"HTTP {response.status_code}")
            page = await read_capped(response, MAX_PAGE, truncate=True)
    except RedirectRefusedError as error:
        return ContextResult(None, str(error), retry=False)
    except TimeoutError:
        return ContextResult(None, f"no answer within {time_limit.total_seconds():g}s")
    except (httpx.HTTPError, BadEncodingError, BodyTooLargeError) as error:
        return ContextResult(None, f"{type(error).__name__}: {error}")
    html = page.decode(response.encoding or "utf-8", errors="replace")
    link = find_context_link(html, base_url=str(response.url))
    return ContextResult(canonical_context_url(link) if link else None)


def _anchored_hop(hops: list[Hop]) -> str | None:
    """A redirect whose target carries the ``#c<id>`` anchor is the answer itself."""
    for hop in hops:
        if split_context_anchor(hop.target)[1] is not None:
            return canonical_context_url(hop.target)
    return None
