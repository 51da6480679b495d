"""Migration 0014: a story's existing entry from the feed that brought it first takes the
story's version, so a member arriving after the upgrade is weighed against it."""

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from news.store.db import alembic_config

SEEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC).replace(tzinfo=None)  # stored naive, in UTC
FEED = "INSERT INTO feeds (id, url, fetch_url, name, source_type, language, enabled, "
FEED += "error_count, last_status) VALUES (:id, :url, :url, :name, 'ngo', 'en', true, 0, 'ok')"
STORY = (
    "INSERT INTO stories (id, url_key, feed_id, title, text, summary, author, publisher, "
    "original_url, language, published_at, date_is_estimated, first_seen_at, news_at, "
    "needs_context) VALUES (:id, :key, 1, 'T', 'Text.', 'Summary.', 'A. Writer', 'Ledger', "
    "'https://ledger.example/a', 'en', :published, :estimated, :seen, :seen, false)"
)
ENTRY = (
    "INSERT INTO entries (feed_id, key, story_id, title, first_seen_at) "
    "VALUES (:feed, :key, :story, 'T', :seen)"
)
READ = (
    "SELECT story_id, feed_id, text, summary, author, publisher, original_url, published_at, "
    "date_is_relayed FROM entries ORDER BY story_id, feed_id"
)


async def _run(
    url: str, statements: list[tuple[str, dict[str, object]]]
) -> list[tuple[object, ...]]:
    """Run ``statements``; with none, read the entries' versions."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for statement, values in statements:
            await connection.execute(text(statement), values)
        rows = [] if statements else [tuple(r) for r in await connection.execute(text(READ))]
    await engine.dispose()
    return rows


async def test_the_first_feeds_entry_takes_the_storys_version(empty_database_url: str):
    await asyncio.to_thread(command.upgrade, alembic_config(empty_database_url), "0011")
    published = datetime(2026, 11, 23, tzinfo=UTC).replace(tzinfo=None)
    await _run(
        empty_database_url,
        [
            (FEED, {"id": 1, "url": "https://bhrrc.example/feed", "name": "BHRRC"}),
            (FEED, {"id": 2, "url": "https://wire.example/feed", "name": "Wire"}),
            (
                STORY,
                {"id": 1, "key": "k1", "published": published, "estimated": False, "seen": SEEN},
            ),
            (STORY, {"id": 2, "key": "k2", "published": SEEN, "estimated": True, "seen": SEEN}),
            (ENTRY, {"feed": 1, "key": "e1", "story": 1, "seen": SEEN}),
            (ENTRY, {"feed": 2, "key": "e2", "story": 1, "seen": SEEN}),
            (ENTRY, {"feed": 1, "key": "e3", "story": 2, "seen": SEEN}),
        ],
    )
    await asyncio.to_thread(command.upgrade, alembic_config(empty_database_url), "head")
    rows = await _run(empty_database_url, [])
    copied = ("Text.", "Summary.", "A. Writer", "Ledger", "https://ledger.example/a")
    assert [(r[0], r[1], *r[2:7], _aware(r[7]), bool(r[8])) for r in rows] == [
        (1, 1, *copied, datetime(2026, 11, 23, tzinfo=UTC), False),
        (1, 2, "", "", None, None, None, None, False),  # another feed's: no version stored
        (2, 1, *copied, None, False),  # an estimated date was never the feed's
    ]


def _aware(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text through a raw query
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC)
