"""Resolving an aggregator item to the story it sits in ("read it in context").

BHRRC item URLs redirect, by HTTP, by meta refresh or by a notice page, to the story page plus
``#c<item id>``. That anchored URL is what subscribers should open. IO: the client is passed in.
"""

from datetime import timedelta

import httpx

from news.fetch.decode import BadEncodingError
from news.fetch.feed import BodyTooLargeError, read_capped
from news.models import ContextResult
from news.text.extract import find_context_link
from news.text.urls import canonical_context_url, split_context_anchor

MAX_PAGE = 2 * 1024 * 1024


async def resolve_context(
    client: httpx.AsyncClient, item_url: str, *, time_limit: timedelta
) -> ContextResult:
    """Follow ``item_url`` to its story: redirects first, then the page's own pointer."""
    try:
        async with client.stream("GET", item_url, timeout=time_limit.total_seconds()) as response:
            anchored = _anchored_hop(response)
            if anchored is not None:
                return ContextResult(anchored)
            if response.status_code != 200:
                return ContextResult(None, f"HTTP {response.status_code}")
            page = await read_capped(response, MAX_PAGE, truncate=True)
    except (httpx.HTTPError, BadEncodingError, BodyTooLargeError) as error:
        return ContextResult(None, f"{type(error).__name__}: {error}")
    html = page.decode(response.encoding or "utf-8", errors="replace")
    link = find_context_link(html, base_url=str(response.url))
    return ContextResult(canonical_context_url(link) if link else None)


def _anchored_hop(response: httpx.Response) -> str | None:
    """A redirect whose target carries the ``#c<id>`` anchor is the answer itself."""
    for hop in [*response.history, response]:
        location = hop.headers.get("location")
        if location:
            target = str(hop.url.join(location))
            if split_context_anchor(target)[1] is not None:
                return canonical_context_url(target)
    return None
