"""Credits on real feeds: two items of the shared corpus, each also carried by a relay we write
ourselves (an aggregator's ``<source>`` item, a BHRRC-style credit line), polled from loopback.

Reads ../shared/corpus/feeds at test time (never copied into the project) and skips when it is
absent. Only the corpus path and the item's link are named here, not its text.
"""

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import open_services
from news.delivery.render import credit_line
from news.store.listing import load_stories
from news.store.tables import Entry
from news.topics.config import TopicConfig
from tests.conftest import SHARED, ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer
from tests.languages import EN

CORPUS = SHARED / "corpus" / "feeds" / "news"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPUS.is_dir(),
        reason=f"shared feed corpus not found at {CORPUS} (only in the full workspace and CI)",
    ),
]
NOW = datetime(2026, 2, 20, 8, tzinfo=UTC)
TIME_ITEM = (
    "https://time.com/7379005/european-sovereignty-leaders-rally-against-us-erasure-claims/"
)
AM_ITEM = (
    "https://www.al-monitor.com/originals/2026/02/"
    "over-80-berlin-film-festival-alumni-sign-open-letter-urging-organisers-take"
)
BROAD = TopicConfig(
    slug="world", title="World", description="World", any_of={"terms": ["the", "and", "of"]}
)


def channel(item: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://relay.example/</link><description>d</description>{item}</channel></rss>"
    ).encode()


RELAY = channel(
    "<item><title>EU leaders push back against US claim</title>"
    f"<link>{TIME_ITEM}?utm_source=relay</link><guid isPermaLink='false'>relay-1</guid>"
    "<pubDate>Wed, 18 Feb 2026 06:00:00 +0000</pubDate>"
    '<source url="https://time.com/feed/">TIME</source>'
    "<description>European leaders rallied on Monday.</description></item>"
)
BHRRC = channel(
    "<item><title>Berlin festival alumni urge a stance on Gaza</title>"
    "<link>https://www.business-humanrights.org/en/latest-news/berlin-alumni/</link>"
    "<guid isPermaLink='false'>bhrrc-1</guid><pubDate>Thu, 19 Feb 2026 09:00:00 +0000</pubDate>"
    "<description>"
    + html.escape(
        "<p>Author: Staff, Al-Monitor, Published on: 19 February 2026</p>"
        "<p>“Over 80 Berlin Film Festival alumni sign open letter”, 17 February 2026</p>"
        "<p>More than 80 alumni of the Berlin Film Festival signed an open letter urging its "
        "organisers to take a stance on Gaza.</p>"
        f'<p><a href="{AM_ITEM}">Read the full post here</a></p>'
    )
    + "</description></item>"
)


async def credit_of(make_config: ConfigFactory, feeds: list[dict[str, object]], guid: str) -> str:
    async with open_services(make_config(feeds, topics=[BROAD])) as services:
        await services.poller.poll_due(NOW)
        async with services.db.sessions() as session:
            story_id = await session.scalar(select(Entry.story_id).where(Entry.guid == guid))
        assert story_id is not None
        story = (await load_stories(services.db, [story_id]))[story_id]
    return credit_line(story, UTC, EN)


async def test_a_corpus_item_and_its_aggregator_copy_credit_the_publisher(
    make_config: ConfigFactory, feed_server: FeedServer
):
    time_world = feed_server.feed("/time.xml", (CORPUS / "time-world_feed.xml").read_bytes())
    relay = feed_server.feed("/relay.xml", RELAY)
    feeds = [
        feed_entry("Mekong Relay", relay, type="aggregator"),
        feed_entry("TIME", time_world),
    ]
    # Before: "Mekong Relay (aggregator) · Callum Sutherland · 18 Feb 2026" when the relay
    # was read first: the relay's headline and date, with the publisher's author.
    assert await credit_of(make_config, feeds, "relay-1") == (
        "TIME (independent media) · Callum Sutherland · 16 Feb 2026"
    )


async def test_a_corpus_outlet_credited_by_a_relay_keeps_its_type_and_its_date(
    make_config: ConfigFactory, feed_server: FeedServer
):
    feeds = [
        feed_entry("Business & Human Rights Resource Centre", feed_server.feed("/b.xml", BHRRC)),
        feed_entry("Al-Monitor", "https://www.al-monitor.com/rss", enabled=False),
    ]
    feeds[0]["type"] = "ngo"
    # Before: "Al-Monitor · Staff · 19 Feb 2026 — via …": no type, and BHRRC's date.
    assert await credit_of(make_config, feeds, "bhrrc-1") == (
        "Al-Monitor (independent media) · Staff · 17 Feb 2026 — via Business &amp; Human "
        "Rights Resource Centre (NGO)"
    )
