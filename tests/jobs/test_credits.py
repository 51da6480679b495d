"""One story across outlets, told the same way every time: the version shown, its credit, its
date and each outlet's source type, polled from loopback feeds into a real database.

The documents are our own, and so are the outlets (The Mekong Ledger, the Angkor Herald).
"""

import html
import re
import tomllib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from itertools import permutations
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Services, open_services
from news.delivery.render import credit_line
from news.models import StoredStory
from news.store.listing import load_stories
from news.store.tables import Entry
from tests.conftest import REPO, ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer
from tests.languages import EN, KM

TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
BHRRC = "Business & Human Rights Resource Centre — Cambodia"
LEDGER = "The Mekong Ledger"
RELAY = "Mekong Relay"
STORY = "https://www.mekongledger.example/2026/11/eba-review-{n}"
LEAD = (
    "The European Commission told Cambodia on Monday that its Everything But Arms (EBA) "
    "trade preferences would be reviewed again next year."
)


def channel(title: str, items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link><description>t</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(title: str, link: str, guid: str, date: str, body: str, extra: str = "") -> str:
    return (
        f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f'<guid isPermaLink="false">{guid}</guid><pubDate>{date}</pubDate>{extra}'
        f"<description>{html.escape(body)}</description></item>"
    )


def bhrrc_item(n: int, *, publisher: str = LEDGER, quoted: str | None = "23 November 2026") -> str:
    """BHRRC's item: its own date in "Published on", the original's after its quoted headline."""
    headline = f"<p>“EU warns EBA access hinges on rights”, {quoted}</p>" if quoted else ""
    body = (
        f"<p>Author: Sreymom Chan, {publisher}, Published on: 25 November 2026</p>{headline}"
        f"<p>{LEAD}</p>"
        "<p>“We have seen no progress,” Commissioner Anna Berg said.</p>"
        "<p>Government spokesman Keo Sambath said the courts were independent…</p>"
        f'<p><a href="{STORY.format(n=n)}?utm_source=bhrrc">Read the full post here</a></p>'
    )
    return item(
        f"Cambodia: EU says EBA access hinges on rights; government calls review {n} unfair",
        f"https://www.business-humanrights.org/en/latest-news/eba-review-{n}/",
        f"bhrrc-{n}",
        "Wed, 25 Nov 2026 09:00:00 +0000",
        body,
    )


def ledger_item(n: int) -> str:
    """The publisher's own item: its headline, its author and its own date."""
    return item(
        f"EU warns EBA access hinges on rights in review {n}",
        STORY.format(n=n) + "/?utm_source=rss",
        f"ml-{n}",
        "Mon, 23 Nov 2026 07:15:00 +0700",
        f"<p>{LEAD}</p>",
        "<author>Sreymom Chan</author>",
    )


def relay_item(n: int) -> str:
    """An aggregator's copy, naming the publisher in <source>: a shorter lead, no author."""
    return item(
        f"EU warns EBA access hinges on rights in review {n}",
        STORY.format(n=n) + "?utm_source=relay",
        f"relay-{n}",
        "Mon, 23 Nov 2026 02:00:00 +0000",
        "<p>Cambodia's Everything But Arms preferences face another review.</p>",
        f'<source url="https://www.mekongledger.example/feed/">{LEDGER}</source>',
    )


MEMBERS: dict[str, tuple[str, Callable[[int], str]]] = {
    "bhrrc": ("/bhrrc.xml", bhrrc_item),
    "ledger": ("/ledger.xml", ledger_item),
    "relay": ("/relay.xml", relay_item),
}


@pytest.fixture
async def start(
    make_config: ConfigFactory, feed_server: FeedServer
) -> AsyncIterator[Callable[..., Any]]:
    opened: list[Any] = []

    async def open_with(extra: list[dict[str, Any]] | None = None) -> Services:
        feeds = [
            feed_entry(BHRRC, feed_server.feed("/bhrrc.xml", channel("BHRRC", [])), type="ngo"),
            feed_entry(LEDGER, feed_server.feed("/ledger.xml", channel("ML", []))),
            feed_entry(RELAY, feed_server.feed("/relay.xml", channel("R", [])), type="aggregator"),
            *(extra or []),
        ]
        context = open_services(make_config(feeds, topics=TOPICS))
        opened.append(context)
        services: Services = await context.__aenter__()
        await services.poller.poll_due(T0 - timedelta(days=1))  # first reads: empty feeds
        return services

    yield open_with
    for context in reversed(opened):
        await context.__aexit__(None, None, None)


async def story_of(services: Services, guid: str) -> StoredStory:
    async with services.db.sessions() as session:
        story_id = await session.scalar(select(Entry.story_id).where(Entry.guid == guid))
    assert story_id is not None
    return (await load_stories(services.db, [story_id]))[story_id]


def shown(story: StoredStory) -> tuple[object, ...]:
    """What a reader sees of a story, less the URLs and the run's number in the title (the
    headlines of different runs must differ, or they would be merged as one story)."""
    return (
        re.sub(r"\d+", "N", story.title),
        story.outlet,
        story.summary,
        story.author,
        story.publisher,
        story.published,
        story.date_is_relayed,
        story.also_reported_by,
        credit_line(story, UTC, EN),
    )


async def ingest_in_every_order(
    services: Services, feed_server: FeedServer, names: list[str]
) -> set[tuple[object, ...]]:
    """Each order of ``names`` tells story number n: its members arrive one poll at a time."""
    items: dict[str, list[str]] = {name: [] for name in MEMBERS}
    orders = list(permutations(names))
    when = T0
    for n, order in enumerate(orders):
        for name in order:
            path, make = MEMBERS[name]
            items[name].append(make(n))
            feed_server.feed(path, channel(name, items[name]))
            when += timedelta(hours=1)
            await services.poller.poll_due(when)
    return {shown(await story_of(services, f"{names[0]}-{n}")) for n in range(len(orders))}


async def test_the_publishers_version_is_shown_whatever_the_poll_order(start, feed_server):
    services = await start()
    [version] = await ingest_in_every_order(services, feed_server, ["bhrrc", "ledger", "relay"])
    assert version == (
        "EU warns EBA access hinges on rights in review N",
        LEDGER,
        LEAD,
        "Sreymom Chan",
        None,
        datetime(2026, 11, 23, 0, 15, tzinfo=UTC),  # its own date
        False,
        (BHRRC, RELAY),
        "The Mekong Ledger (independent media) · Sreymom Chan · 23 Nov 2026",
    )


async def test_without_the_publisher_the_most_complete_version_is_shown_in_any_order(
    start, feed_server
):
    services = await start()
    [version] = await ingest_in_every_order(services, feed_server, ["bhrrc", "relay"])
    title, outlet, summary, *_, credit = version
    assert (title, outlet) == (
        "Cambodia: EU says EBA access hinges on rights; government calls review N unfair",
        BHRRC,
    )
    assert "Keo Sambath" in str(summary)  # both voices: the reason it leads
    assert credit == (
        "The Mekong Ledger (independent media) · Sreymom Chan · 23 Nov 2026 — via Business "
        "&amp; Human Rights Resource Centre — Cambodia (NGO)"
    )


async def test_a_relays_own_date_is_never_paired_with_the_publisher(start, feed_server):
    services = await start()
    feed_server.feed("/bhrrc.xml", channel("BHRRC", [bhrrc_item(1, quoted=None)]))
    await services.poller.poll_due(T0)
    story = await story_of(services, "bhrrc-1")
    assert (story.published, story.date_is_relayed) == (datetime(2026, 11, 25, tzinfo=UTC), True)
    # BHRRC posted it on the 25th: that date is BHRRC's, shown with BHRRC.
    assert credit_line(story, UTC, EN) == (
        "The Mekong Ledger (independent media) · Sreymom Chan — via Business &amp; Human "
        "Rights Resource Centre — Cambodia (NGO) · 25 Nov 2026"
    )
    # The publisher's own copy arrives: its own version, with its own date.
    feed_server.feed("/ledger.xml", channel("ML", [ledger_item(1)]))
    await services.poller.poll_due(T0 + timedelta(hours=1))
    story = await story_of(services, "bhrrc-1")
    assert credit_line(story, UTC, EN) == (
        "The Mekong Ledger (independent media) · Sreymom Chan · 23 Nov 2026"
    )


async def test_an_outlet_known_only_by_a_credit_line_keeps_its_source_type(start, feed_server):
    herald = feed_entry(
        "Angkor Herald", "https://www.angkorherald.example/feed/", type="state-aligned media"
    )
    services = await start([herald | {"enabled": False}])  # configured, never polled
    feed_server.feed("/bhrrc.xml", channel("BHRRC", [bhrrc_item(1, publisher="Angkor Herald")]))
    await services.poller.poll_due(T0)
    story = await story_of(services, "bhrrc-1")
    assert credit_line(story, UTC, EN) == (
        "Angkor Herald (state-aligned media) · Sreymom Chan · 23 Nov 2026 — via Business "
        "&amp; Human Rights Resource Centre — Cambodia (NGO)"
    )
    khmer = credit_line(story, UTC, KM)
    assert khmer.startswith(f"Angkor Herald ({KM.gettext('state-aligned media')}) · ")
    assert (
        f"— តាមរយៈ Business &amp; Human Rights Resource Centre — Cambodia ({KM.gettext('NGO')})"
        in khmer
    )
    assert KM.gettext("state-aligned media") != "state-aligned media"  # translated, not English


async def test_an_outlet_named_by_source_takes_its_type_from_its_site(start, feed_server):
    herald = feed_entry(
        "Angkor Herald", "https://www.angkorherald.example/feed/", type="state-aligned media"
    )
    services = await start([herald | {"enabled": False}])
    sourced = item(
        "Cambodia: EU weighs Everything But Arms preferences again",
        "https://www.angkorherald.example/2026/11/eba",
        "relay-9",
        "Tue, 24 Nov 2026 03:00:00 +0000",
        f"<p>{LEAD}</p>",
        '<source url="https://angkorherald.example/rss">AH National</source>',
    )
    feed_server.feed("/relay.xml", channel("R", [sourced]))
    await services.poller.poll_due(T0)
    story = await story_of(services, "relay-9")
    assert credit_line(story, UTC, EN) == (
        "AH National (state-aligned media) · 24 Nov 2026 — via Mekong Relay (aggregator)"
    )


async def test_an_overlong_author_is_kept_to_its_column_on_every_database(start, feed_server):
    services = await start()
    long = ledger_item(1).replace("<author>Sreymom Chan</author>", f"<author>{'A' * 500}</author>")
    feed_server.feed("/ledger.xml", channel("ML", [long]))
    await services.poller.poll_due(T0)
    feed_server.feed("/bhrrc.xml", channel("BHRRC", [bhrrc_item(1)]))
    await services.poller.poll_due(T0 + timedelta(hours=1))
    story = await story_of(services, "bhrrc-1")
    # One name is cut to what a credit shows (120), well inside the column's 300.
    assert (story.outlet, len(story.author or "")) == (LEDGER, 120)
