"""RawFeed to storable entries: identity, clean text, summary, links, topics. Pure."""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from news.feeds.identity import assign_keys, digest
from news.feeds.parse import parse_feed
from news.models import AUTHOR_SEPARATOR, Entry, FeedContext, ParsedFeed, RawEntry, RawFeed
from news.text.extract import (
    NOTHING_READ,
    Extracted,
    ItemRead,
    clean,
    read_item,
    repeated_lines,
    take_credit,
)
from news.text.invisible import drop_invisible
from news.text.skim import worth_reading
from news.text.summary import summarise, truncate
from news.text.urls import canonical_url, is_http_url, url_key
from news.topics.match import CompiledTopic, match_topics
from news.topics.screen import may_match

EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)
MAX_TITLE = 300
MAX_URL_KEY = 1000
MAX_NAME = 120  # an author's or publisher's name, as news.delivery.render clips it
MAX_AUTHORS = 4  # three are shown; a fourth says there were others
MAX_AUTHOR_FIELD = 300  # the ``author`` column, separators included


def parse_document(
    body: bytes,
    headers: dict[str, str],
    feed: FeedContext,
    topics: Sequence[CompiledTopic],
    now: datetime,
    known: frozenset[str] = frozenset(),
) -> ParsedFeed:
    """Parse and normalise one fetched document. The unit of work for a parser process."""
    raw = parse_feed(body, headers, headers.get("content-location", feed.url))
    return normalise_feed(raw, feed, topics, now, known)


def normalise_feed(
    raw: RawFeed,
    feed: FeedContext,
    topics: Sequence[CompiledTopic],
    now: datetime,
    known: frozenset[str] = frozenset(),
) -> ParsedFeed:
    """Normalise every item; drop items repeated inside the document (same identity key) and
    items whose key is in ``known`` (the feed carried them before: storing would skip them).

    Only items a topic may want are cleaned, matched and summarised: the others keep no
    text, so cleaning them would be wasted. Most are not even read: skimming shows that no
    topic can want them and that they have no credit line or link to keep (``news.text.skim``).
    When an item is wanted, every item is read, because the feed's repeated lines are found
    across all of them.
    """
    links = [_http_link(e) for e in raw.entries]
    reads: list[ItemRead | None] = [None] * len(raw.entries)  # each item is read at most once

    def read(index: int) -> ItemRead:
        done = reads[index]
        if done is None:
            html, link = raw.entries[index].html, links[index]
            done = reads[index] = read_item(html, base_url=link or feed.url)
        return done

    about = {"feed_name": feed.name, "source_type": feed.source_type}
    repeated: frozenset[str] | None = None  # found when the first wanted item needs them
    seen: set[str] = set()
    present: set[str] = set()
    entries = []
    keys = assign_keys(raw.entries)
    for index, (raw_entry, link, (key, link_key)) in enumerate(
        zip(raw.entries, links, keys, strict=True)
    ):
        if key in seen or key in known:
            if key in known:
                present.add(key)
            continue
        seen.add(key)
        title = raw_entry.title
        if title and not worth_reading(topics, title=title, html=raw_entry.html, **about):
            extracted, wanted = NOTHING_READ, False  # reading would keep nothing either
        else:
            credited = take_credit(read(index))
            if title and not may_match(topics, title=title, text=credited.text, **about):
                # No topic wants it: its credit line and links, but no clean text.
                extracted, wanted = credited.uncleaned(), False
            else:
                if repeated is None:
                    repeated = repeated_lines([read(i).text for i in range(len(reads))])
                extracted, wanted = clean(credited, repeated), True
        entries.append(
            _normalise(raw_entry, link, extracted, key, link_key, feed, topics, now, wanted)
        )
    skipped = len(raw.entries) - len(entries)
    return ParsedFeed(tuple(entries), raw.warning, skipped, frozenset(present))


def _normalise(
    raw: RawEntry,
    link: str | None,
    extracted: Extracted,
    key: str,
    link_key: str | None,
    feed: FeedContext,
    topics: Sequence[CompiledTopic],
    now: datetime,
    wanted: bool,
) -> Entry:
    # Every field a reader sees loses its bidi controls and hidden characters here, once.
    text = drop_invisible(extracted.text)
    title = _title(" ".join(drop_invisible(raw.title).split()), text)
    original = extracted.original_url  # canonical already (news.text.extract)
    byline = extracted.byline
    published, relayed = _original_date(extracted, raw, now)
    # The outlet it credits, and where that outlet lives: a credit line's, else <source>'s.
    publisher: str | None = raw.source
    publisher_url = raw.source_url if raw.source else None
    if byline and byline.publisher:
        publisher, publisher_url = byline.publisher, original
    hits = (
        match_topics(
            topics,
            title=title,
            text=text,
            feed_name=feed.name,
            source_type=feed.source_type,
        )
        if wanted
        else []
    )
    return Entry(
        key=key,
        link_key=link_key,
        url_key=story_key(original or link, fallback=digest(feed.url, key)),
        guid=raw.guid,
        url=link,
        title=title,
        # Only stories that match a topic are ever shown: the rest keep no text and no summary
        # (a third of an item's CPU, and most of what the database would hold). An outlet
        # whose copy matches later fills both in.
        text=text if hits else "",
        summary=summarise(text, title=title, clean=extracted.clean) if hits else "",
        author=credited_authors(_byline_authors(extracted) or raw.authors),
        publisher=_name(publisher) if publisher else None,
        published=published,
        original_url=original,
        context_url=extracted.context_url,
        topics=tuple(hits),
        listed=plausible_date(raw.published or raw.updated, now),
        publisher_url=publisher_url,
        date_is_relayed=relayed,
    )


def _byline_authors(extracted: Extracted) -> list[str]:
    """The names of a credit line ("Author: A, B, The Outlet, …"), which commas separate."""
    author = extracted.byline.author if extracted.byline else None
    return author.split(", ") if author else []


def credited_authors(names: Iterable[str]) -> str | None:
    """The ``author`` field: each name once (case aside), shown safely, at most MAX_AUTHORS,
    each cut so that all fit the column. Feeds have listed hundreds."""
    kept: dict[str, str] = {}
    for name in names:
        name = " ".join(drop_invisible(name).split())
        if name:
            kept.setdefault(name.casefold(), name)
        if len(kept) == MAX_AUTHORS:
            break
    if not kept:
        return None
    width = min(MAX_NAME, (MAX_AUTHOR_FIELD + 1) // len(kept) - 1)
    return AUTHOR_SEPARATOR.join(truncate(name, width) for name in kept.values())


def _name(name: str) -> str | None:
    return truncate(" ".join(drop_invisible(name).split()), MAX_NAME) or None


def _http_link(raw: RawEntry) -> str | None:
    """The item's own link, canonical, when it is an http(s) one."""
    return canonical_url(raw.link) if raw.link and is_http_url(raw.link) else None


def story_key(url: str | None, *, fallback: str) -> str:
    """What makes two entries one story: the original's URL key, hashed when very long."""
    if url is None:
        return f"entry:{fallback}"
    key = url_key(url)
    return key if len(key) <= MAX_URL_KEY else f"sha256:{digest(key)}"


def _title(title: str, text: str) -> str:
    """The item's title, or the start of its text for feeds whose items have none."""
    title = title or next((line for line in text.splitlines() if line.strip()), "")
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
    return title or "(untitled)"


def _original_date(
    extracted: Extracted, raw: RawEntry, now: datetime
) -> tuple[datetime | None, bool]:
    """The date to credit, if believable, and whether it is the relaying feed's own rather
    than the credited publisher's.

    An aggregator may post a story months after it first ran; readers need the first date.
    BHRRC quotes the original's headline with its date; its "Published on" is its own.
    A <source> item keeps the date its outlet gave it.
    """
    feed_date = plausible_date(raw.published or raw.updated, now)
    byline = extracted.byline
    if byline is None:
        return feed_date, False
    for day, relayed in ((byline.original, False), (byline.published, True)):
        if day is not None and (found := plausible_date(_midnight(day), now)):
            return found, relayed and byline.publisher is not None
    return feed_date, feed_date is not None and byline.publisher is not None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def plausible_date(value: datetime | None, now: datetime) -> datetime | None:
    """The claimed date if believable: after 1995 and not more than a day in the future."""
    if value is None or not EARLIEST_PLAUSIBLE <= value <= now + timedelta(days=1):
        return None
    return value
