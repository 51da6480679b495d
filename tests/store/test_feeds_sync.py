"""The feeds table follows the config, also when several processes start at once."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from news.config import FeedConfig
from news.store.db import Database
from news.store.feeds import sync_feeds
from news.store.tables import Feed

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def feed(n: int, **extra: object) -> FeedConfig:
    values = {"name": f"Feed {n}", "url": f"https://e.org/{n}.xml", "type": "ngo"} | extra
    return FeedConfig.model_validate(values)


async def feed_rows(db: Database) -> list[tuple[str, str, bool, datetime | None]]:
    query = select(Feed.url, Feed.name, Feed.enabled, Feed.next_poll_at).order_by(Feed.url)
    async with db.sessions() as session:
        return [(url, name, on, at) for url, name, on, at in await session.execute(query)]


@pytest.mark.parametrize("trial", range(3))
async def test_two_processes_starting_at_once_add_each_feed_once(open_db, trial):
    first, second = open_db(), open_db()
    feeds = [feed(n) for n in range(40)]
    await asyncio.gather(sync_feeds(first, feeds), sync_feeds(second, feeds[::-1]))
    assert [url for url, *_ in await feed_rows(first)] == sorted(f.url for f in feeds)


async def test_the_rows_follow_the_config_and_keep_their_poll_state(open_db):
    db = open_db()
    await sync_feeds(db, [feed(1), feed(2), feed(3, enabled=False)])
    async with db.writing() as session:
        await session.execute(update(Feed).values(next_poll_at=T0))
    await sync_feeds(db, [feed(1, name="Feed one"), feed(3)])  # 2 dropped, 3 enabled again
    assert await feed_rows(db) == [
        ("https://e.org/1.xml", "Feed one", True, T0),  # renamed, its schedule kept
        ("https://e.org/2.xml", "Feed 2", False, T0),  # disabled, not deleted
        ("https://e.org/3.xml", "Feed 3", True, None),  # enabled again: due at once
    ]
