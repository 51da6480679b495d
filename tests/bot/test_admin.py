"""/feeds and /stats fit one message however large the config: the rest is counted."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from news.config import Config
from news.delivery.render import visible_length
from news.store.tables import Feed
from tests.bot.harness import ADMIN, BotHarness, running_bot
from tests.conftest import ConfigFactory, feed_entry
from tests.fakes.telegram import MAX_TEXT_UTF16, FakeTelegram
from tests.outbox import add_chats

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
FEEDS = 120
BROKEN = f"Feed 057 {'n' * 180}"
# Titles of characters Telegram counts twice (UTF-16 surrogate pairs): 30 × 240 units.
TOPICS = [
    {
        "slug": f"topic-{n:02d}",
        "title": f"{n:02d} " + "𝐓" * 117,
        "description": "About it.",
        "any_of": {"terms": [f"term{n}"]},
    }
    for n in range(30)
]


@pytest.fixture
async def bot(tg: FakeTelegram, make_config: ConfigFactory) -> AsyncIterator[BotHarness]:
    feeds = [
        feed_entry(f"Feed {n:03d} {'n' * 180}", f"https://feeds.example.org/{n}")
        for n in range(FEEDS)
    ]
    config: Config = make_config(
        feeds, telegram={"api_base_url": tg.base_url, "admins": [ADMIN]}, topics=TOPICS
    )
    async with running_bot(tg, config) as harness:
        yield harness


async def test_feeds_shows_the_broken_ones_first_and_counts_the_rest(bot: BotHarness):
    async with bot.services.db.writing() as session:
        await session.execute(
            update(Feed)
            .where(Feed.name == BROKEN)
            .values(last_status="http error", last_error="HTTP 404", error_count=3)
        )
    [reply] = await bot.say("/feeds", chat_id=ADMIN)
    assert len(reply.text.encode("utf-16-le")) // 2 <= MAX_TEXT_UTF16
    head, first, *rest = reply.text.split("\n\n")
    assert head == f"Feeds: {FEEDS}; 1 failing, 0 stopped"
    assert first.startswith(f"{BROKEN} — http error")
    shown = len(rest)  # the last is the count of those left out
    assert rest[-1] == f"…and {FEEDS - shown} more feeds"


async def test_stats_fits_however_long_the_topic_titles(bot: BotHarness):
    for n, topic in enumerate(TOPICS):
        await add_chats(
            bot.services.db, [10_000 + n], topic=str(topic["slug"]), since=NOW - timedelta(1)
        )
    [reply] = await bot.say("/stats", chat_id=ADMIN)
    assert visible_length(reply.html) <= MAX_TEXT_UTF16
    lines = reply.text.splitlines()
    assert lines[:3] == ["Stats", "Chats: 30 private; 0 inactive", "Subscriptions:"]
    topics = [line for line in lines if line.startswith("• ")]
    assert lines[3 + len(topics)] == f"…and {30 - len(topics)} more"
    assert lines[-1] == "Stories found in the last 24 hours: 0"
