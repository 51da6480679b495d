"""Retention: what no feed has carried for the whole period goes; what a feed still carries
stays, so it never comes back as new."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import Services, open_services
from news.store.retention import purge_old_stories
from news.store.tables import Entry, Story, StoryTopic
from tests.conftest import ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer, rss

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
KEEP = timedelta(days=180)


def item(name: str) -> dict[str, str]:
    return {
        "title": f"Cambodia: EBA review, part {name}",
        "link": f"https://news.example.org/{name}",
        "guid": name,
        "description": "The EU said Cambodia's EBA preferences depend on rights.",
    }


@pytest.fixture
async def services(make_config: ConfigFactory, feed_server: FeedServer) -> AsyncIterator[Services]:
    url = feed_server.feed("/feed.xml", rss([item("a"), item("b")]))
    config = make_config([feed_entry("Wire", url)], topics=[])
    async with open_services(config) as opened:
        yield opened


async def titles(services: Services) -> list[str]:
    async with services.db.sessions() as session:
        return sorted((await session.scalars(select(Story.title))).all())


async def count(services: Services, table: type) -> int:
    async with services.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_story_its_feed_dropped_long_ago_goes_and_one_still_carried_stays(
    services, feed_server
):
    await services.poller.poll_due(T0)
    feed_server.feed("/feed.xml", rss([item("b"), item("c")]))  # a drops out
    await services.poller.poll_due(T0 + timedelta(days=3))
    assert await purge_old_stories(services.db, T0 + timedelta(days=100), KEEP) == 0
    gone = await purge_old_stories(services.db, T0 + timedelta(days=200), KEEP)
    assert gone == 1
    assert await titles(services) == [
        "Cambodia: EBA review, part b",
        "Cambodia: EBA review, part c",
    ]
    assert await count(services, Entry) == 2


async def test_an_item_a_feed_keeps_carrying_is_never_pruned_nor_new_again(services, feed_server):
    await services.poller.poll_due(T0)
    for day in (100, 190, 380):  # the document changes now and then; a and b stay in it
        feed_server.feed("/feed.xml", rss([item("a"), item("b"), item(f"new-{day}")]))
        reports = await services.poller.poll_due(T0 + timedelta(days=day))
        assert [s.title for r in reports for s in r.new_stories] == [
            f"Cambodia: EBA review, part new-{day}"
        ]
        await purge_old_stories(services.db, T0 + timedelta(days=day, hours=1), KEEP)
    assert "Cambodia: EBA review, part a" in await titles(services)
    assert "Cambodia: EBA review, part new-100" not in await titles(services)  # dropped at 190


async def test_an_unchanged_feed_keeps_its_items(services, feed_server):
    await services.poller.poll_due(T0)
    for day in (30, 200, 400):  # 304 Not Modified: the document is not read again
        await services.poller.poll_due(T0 + timedelta(days=day))
        await purge_old_stories(services.db, T0 + timedelta(days=day), KEEP)
    assert len(await titles(services)) == 2


async def test_housekeeping_applies_the_configured_retention(services, feed_server):
    await services.poller.poll_due(T0)
    feed_server.feed("/feed.xml", rss([item("c")]))
    await services.poller.poll_due(T0 + timedelta(days=3))
    await services.dispatcher.housekeeping(T0 + timedelta(days=184))
    assert await titles(services) == ["Cambodia: EBA review, part c"]
    assert await count(services, StoryTopic) == 0  # no topics configured: none to cascade
