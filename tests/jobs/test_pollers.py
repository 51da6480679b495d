"""Two pollers on one database, as two `run --role poll` processes: each due feed fetched once
in a cycle, by one of them, and every story stored once."""

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import open_services
from news.store.tables import Feed, Story
from tests.conftest import feed_entry
from tests.fakes.feed_server import FeedServer, rss

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
FEEDS = 60
HOSTS = [f"127.0.0.{n}" for n in range(2, 12)]  # ten publishers


def story(n: int) -> dict[str, str]:
    return {
        "title": f"Story from feed {n}",
        "link": f"https://news.example.org/feed-{n}/story",
        "description": f"The only story of feed {n}.",
    }


@pytest.fixture
def publishers() -> Iterator[FeedServer]:
    # A little latency, so that both pollers have fetches in flight at the same time.
    with FeedServer(latency=0.02, more_hosts=HOSTS) as server:
        yield server


async def test_two_pollers_fetch_each_due_feed_once_between_them(publishers, make_config):
    feeds = []
    for n in range(FEEDS):
        publishers.feed(f"/feed-{n}.xml", rss([story(n)]))
        url = publishers.url(f"/feed-{n}.xml", HOSTS[n % len(HOSTS)])
        feeds.append(feed_entry(f"Feed {n}", url))
    # Batches of 8 (twice the concurrency): the pollers claim turn about, many times.
    config = make_config(feeds, http={"concurrency": 4})
    async with open_services(config) as first, open_services(config) as second:
        reports = await asyncio.gather(first.poller.poll_due(T0), second.poller.poll_due(T0))
        fetches = Counter(hit.path for hit in publishers.hits)
        assert fetches == Counter({f"/feed-{n}.xml": 1 for n in range(FEEDS)})
        ids = [[r.feed_id for r in mine] for mine in reports]
        assert sorted(ids[0] + ids[1]) == list(range(1, FEEDS + 1))
        async with first.db.sessions() as session:
            stories = await session.scalar(select(func.count()).select_from(Story))
            claimed = await session.scalar(
                select(func.count()).select_from(Feed).where(Feed.claim_owner.is_not(None))
            )
        assert (stories, claimed) == (FEEDS, 0)
        # The next cycle finds nothing due: every feed was recorded, by whoever read it.
        later = T0 + timedelta(minutes=5)
        again = await asyncio.gather(first.poller.poll_due(later), second.poller.poll_due(later))
        assert [len(reports) for reports in again] == [0, 0]


async def test_a_poller_joins_a_story_another_poller_stored_under_the_same_headline(
    publishers, make_config
):
    headline = "Garment workers in Phnom Penh protest unpaid wages at the Everbright factory"
    told = [
        {"title": headline, "link": f"https://{outlet}.example.org/garment-protest"}
        for outlet in ("wire", "daily")
    ]
    urls = [publishers.feed(f"/{n}.xml", rss([])) for n in range(2)]
    config = make_config([feed_entry(f"Outlet {n}", url) for n, url in enumerate(urls)])
    async with open_services(config) as first, open_services(config) as second:
        await second.poller.poll_due(T0)  # both empty: its headlines read, none there
        publishers.feed("/0.xml", rss([told[0]]))
        await first.poller.poll_due(T0 + timedelta(minutes=11))  # the wire's story
        publishers.feed("/1.xml", rss([told[1]]))
        reports = await second.poller.poll_due(T0 + timedelta(minutes=22))
        async with first.db.sessions() as session:
            stories = await session.scalar(select(func.count()).select_from(Story))
    assert stories == 1  # the daily's copy joined the wire's story
    assert [len(r.new_stories) for r in reports] == [0, 0]
