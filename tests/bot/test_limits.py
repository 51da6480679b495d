"""Replies under Telegram's limits: the stand-in enforces them here, and no reply is lost.

The stand-in counts strict rolling windows: 30 messages a second overall, one a second per
private chat (no burst), 20 a minute per group or channel, and answers 429 past them.
These tests count what arrives, never how fast or how many 429s it took on the way: that is
``make bench``'s B6, which a busy machine cannot fail.
"""

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.handlers.errors import SORRY
from news.config import Config
from tests.bot.conftest import EXAMPLE_TOPICS, FEEDS
from tests.bot.harness import ADMIN, USER, BotHarness, running_bot
from tests.conftest import ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.outbox import add_chats, feeds_read_before, outbox_states

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
GROUP = -1009876543210
CHANNEL = -1001234567890
WITHIN = 60.0  # generous: a bound for a loaded machine, not a speed being tested


@pytest.fixture
def limited() -> Iterator[FakeTelegram]:
    with FakeTelegram(latency=0.01, chat_burst=0) as fake:
        yield fake


@pytest.fixture
async def paced(
    limited: FakeTelegram, make_config: ConfigFactory, feed_server: FeedServer
) -> AsyncIterator[BotHarness]:
    """The bot pacing itself by the default config, against the limited stand-in."""
    url = feed_server.feed("/bhrrc.xml", (FEEDS / "bhrrc_cambodia.xml").read_bytes())
    config: Config = make_config(
        [feed_entry("Business & Human Rights Resource Centre", url, type="ngo")],
        telegram={"api_base_url": limited.base_url, "admins": [ADMIN]},
        topics=EXAMPLE_TOPICS,
    )
    async with running_bot(limited, config) as harness:
        yield harness


def texts(bot: BotHarness, chat_id: int) -> list[str]:
    return [r.text for r in bot.tg.sent(chat_id) if r.method == "sendMessage"]


async def test_200_chats_starting_at_once_each_get_exactly_one_answer(paced: BotHarness):
    chats = range(5001, 5201)
    for chat in chats:
        paced.tg.push_message(chat, chat, "/start")
    await paced.tg.await_for(lambda: len(paced.tg.sent()) >= len(chats), timeout=WITHIN)
    await paced.stop()  # and nothing more arrives later
    per_chat = Counter(r.chat_id for r in paced.tg.sent())
    assert per_chat == dict.fromkeys(chats, 1)
    # A chat's first /start asks for its language (the welcome follows the choice).
    assert all(texts(paced, chat)[0] == "Choose the language I write in:" for chat in chats)


async def test_four_quick_commands_in_one_chat_are_all_answered_in_order(paced: BotHarness):
    for command in ("/help", "/privacy", "/settings", "/latest"):
        paced.tg.push_message(USER, USER, command)
    await paced.tg.await_for(lambda: len(texts(paced, USER)) >= 4, timeout=WITHIN)
    got = texts(paced, USER)
    assert len(got) == 4
    assert got[0].startswith("What I can do")
    assert got[1].startswith("What I store about this chat")
    assert got[2].startswith("Settings")
    assert got[3].startswith("You don't follow any topic yet")
    assert SORRY not in got


async def test_a_reply_while_a_push_to_the_same_chat_is_in_flight_both_arrive(
    paced: BotHarness,
):
    paced.tg.add_chat(USER)
    await add_chats(paced.services.db, [USER], topic="cambodia-eba", since=NOW - timedelta(1))
    await feeds_read_before(paced.services.db, NOW - timedelta(hours=1))  # so the story is news
    await paced.poll(NOW)
    # Telegram takes the push at once but answers it only a second later: it is in flight.
    paced.tg.slow_next("sendMessage", 1.0, chat_id=USER, deliver=True)
    assert await paced.services.dispatcher.fan_out(NOW) == 1
    await paced.tg.await_for(lambda: len(texts(paced, USER)) == 1, timeout=WITHIN)
    paced.tg.push_message(USER, USER, "/help")
    await paced.tg.await_for(lambda: len(texts(paced, USER)) >= 2, timeout=WITHIN)
    alert, help_text = texts(paced, USER)
    assert "Everything But Arms" in alert
    assert help_text.startswith("What I can do")

    async def settled() -> bool:
        return await outbox_states(paced.services.db) == {"sent": 1}

    await paced.eventually(settled)


async def test_a_group_gets_every_reply_in_order(paced: BotHarness):
    paced.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[USER])
    commands = ("/help", "/privacy", "/settings", "/topics", "/latest", "/help")
    for command in commands:
        paced.tg.push_message(GROUP, ADMIN, command, chat_type="supergroup")
    wanted = len(commands) + 1  # and the notice that members see what the group follows
    await paced.tg.await_for(lambda: len(texts(paced, GROUP)) >= wanted, timeout=WITHIN)
    got = texts(paced, GROUP)
    assert len(got) == wanted
    assert got[0].startswith("What I can do")
    assert got[1].startswith("What I store")
    assert got[2].startswith("Note for this group")  # /settings is the first to store it
    assert [t.split()[0] for t in got[3:]] == ["Settings", "Topics", "You", "What"]


async def test_a_channel_gets_every_reply_to_its_posts_in_order(paced: BotHarness):
    paced.tg.add_chat(CHANNEL, "channel", admins=[ADMIN])
    for command in ("/help", "/privacy", "/latest"):
        paced.tg.push_channel_post(CHANNEL, command)
    await paced.tg.await_for(lambda: len(texts(paced, CHANNEL)) >= 3, timeout=WITHIN)
    got = texts(paced, CHANNEL)
    assert [t.split()[0] for t in got] == ["What", "What", "You"]


async def test_a_flooded_reply_waits_and_is_sent(paced: BotHarness):
    paced.tg.flood(USER, retry_after=1)
    [reply] = await paced.say("/help")
    assert reply.text.startswith("What I can do")


async def test_a_reply_lost_on_the_way_is_sent_again(paced: BotHarness):
    paced.tg.drop_next("sendMessage", chat_id=USER)
    paced.tg.server_error("sendMessage", chat_id=USER)
    [reply] = await paced.say("/privacy")
    assert reply.text.startswith("What I store about this chat")


async def test_a_reply_that_cannot_be_sent_is_logged_without_its_text(
    paced: BotHarness, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING)
    paced.tg.block(USER)
    paced.tg.push_message(USER, USER, "/privacy")
    await paced.tg.await_for(lambda: paced.tg.count("sendMessage", status=403) == 1)
    await paced.stop()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"could not send a reply to chat {USER}: Forbidden: bot was blocked by the user" in (
        warnings
    )
    assert not any("What I store" in message for message in warnings)
