"""/latest: newest first by publication date, page by page with an "Older" button."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial

import pytest

from bot.handlers.errors import STALE
from bot.paging import MAX_DATA, decode_older, encode_older
from news.config import Config
from tests.bot.conftest import EXAMPLE_TOPICS
from tests.bot.harness import ADMIN, BotHarness, buttons, running_bot
from tests.conftest import ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer, rss

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
GROUP, CHANNEL = -100_200, -100_300


def item(day: int, *, hour: int = 9) -> dict[str, str]:
    """An EBA story published on ``day`` November 2026."""
    return {
        "title": f"Cambodia EBA story of {day} November",
        "link": f"https://news.example/eba-{day}",
        "description": "Cambodia's Everything But Arms trade preferences were reviewed.",
        "date": format_datetime(datetime(2026, 11, day, hour, tzinfo=UTC)),
    }


@pytest.fixture
def latest_config(make_config: ConfigFactory, tg, feed_server: FeedServer) -> Config:
    # One document, oldest first and shuffled: a poll matches all twelve at the same moment.
    days = [3, 1, 12, 7, 2, 9, 11, 4, 6, 10, 5, 8]
    url = feed_server.feed("/wire.xml", rss([item(d) for d in days]))
    return make_config(
        [feed_entry("Wire", url)],
        telegram={"api_base_url": tg.base_url, "admins": [ADMIN]},
        topics=EXAMPLE_TOPICS,
    )


@pytest.fixture
async def bot(tg, latest_config) -> AsyncIterator[BotHarness]:
    async with running_bot(tg, latest_config) as harness:
        await harness.poll(NOW)
        yield harness


def sent_more_than(bot: BotHarness, chat_id: int, count: int) -> bool:
    return len(bot.tg.sent(chat_id)) > count


def days_shown(text: str) -> list[int]:
    return [int(line.split()[4]) for line in text.splitlines() if "EBA story of" in line]


async def test_latest_is_newest_first_by_publication_date(bot: BotHarness):
    [reply] = await bot.say("/latest 3")
    assert days_shown(reply.text) == [12, 11, 10]
    assert reply.text.splitlines()[:2] == [
        "You don't follow any topic yet: /topics.",
        "Latest in all topics",
    ]


async def test_older_pages_follow_without_gaps_or_repeats(bot: BotHarness):
    [first] = await bot.say("/latest eba 5")
    assert first.text.startswith("Latest: Cambodia and the EU's Everything But Arms")
    [(label, data)] = buttons(first)
    assert label == "Older ›"
    seen = days_shown(first.text)
    page = first
    while buttons(page):
        [(_, data)] = buttons(page)
        before = len(bot.tg.sent(page.chat_id))
        pressed = await bot.tap(page, data)
        assert buttons(pressed) == []  # the button moved down to the new page
        await bot.wait(partial(sent_more_than, bot, first.chat_id, before + 1))
        page = next(r for r in bot.tg.sent(first.chat_id)[before:] if r.method == "sendMessage")
        assert page.text.startswith("Older: ")
        seen += days_shown(page.text)
    assert seen == list(range(12, 0, -1))


async def test_a_forged_or_old_button_changes_nothing(bot: BotHarness):
    [first] = await bot.say("/latest 5")
    sent = len(bot.tg.sent())
    for data in ("l:", "l:zz.9:*", "l:5abc.1:no-such-topic", "l:f" + "z" * 30 + ".1:*"):
        await bot.tap(first, data, edits=False)
        assert bot.answer_text() == STALE
    assert len(bot.tg.sent()) == sent


async def test_in_a_group_anyone_may_page_back(bot: BotHarness):
    bot.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[77, 78])
    replies = await bot.say(
        "/latest 4", chat_id=GROUP, user_id=77, chat_type="supergroup", replies=2
    )
    page = replies[-1]  # after the one-time notice to a new group
    [(_, data)] = buttons(page)
    await bot.tap(page, data, user_id=78)  # not an administrator: reading is for everyone
    await bot.wait(lambda: len(bot.tg.sent(GROUP)) >= len(replies) + 2)
    assert days_shown(bot.tg.sent(GROUP)[-1].text) == [8, 7, 6, 5]


async def test_in_a_channel_latest_pages_too(bot: BotHarness):
    bot.tg.add_chat(CHANNEL, "channel", admins=[ADMIN])
    [page] = await bot.post("/latest 6", chat_id=CHANNEL)
    assert days_shown(page.text) == [12, 11, 10, 9, 8, 7]
    assert [label for label, _ in buttons(page)] == ["Older ›"]


def test_the_button_data_round_trips_within_telegrams_64_bytes():
    slug = "a" * 41  # the longest slug the config allows
    when = datetime(2026, 11, 27, 8, 0, 0, 123456, tzinfo=UTC)
    data = encode_older(slug, 10, (when, 987_654_321))
    assert len(data.encode()) <= MAX_DATA
    press = decode_older(data)
    assert press is not None
    assert (press.scope, press.count, press.before) == (slug, 10, (when, 987_654_321))
    assert decode_older("l:0" + data[3:]) is None  # a count of 0 is no page
    assert decode_older(data.replace(".", "")) is None
    assert decode_older("t:cambodia-eba") is None
    assert decode_older(encode_older("*", 5, (when - timedelta(days=9000), 1))) is not None
