"""The job the bot hands its parser processes, importable without the parsers.

A job goes to a worker by name, so the bot imports the module that holds it. Holding
``news.feeds.normalise`` would load feedparser and lxml into the bot, which never parses a feed
itself: here they are loaded only where the job runs.
"""

from collections.abc import Sequence
from datetime import datetime

from news.models import FeedContext, ParsedFeed
from news.topics.match import CompiledTopic


def parse_document(
    body: bytes,
    headers: dict[str, str],
    feed: FeedContext,
    topics: Sequence[CompiledTopic],
    now: datetime,
    known: frozenset[str] = frozenset(),
) -> ParsedFeed:
    """``news.feeds.normalise.parse_document``, in a parser process."""
    from news.feeds.normalise import parse_document as parse  # here, not above: see the docstring

    return parse(body, headers, feed, topics, now, known)
