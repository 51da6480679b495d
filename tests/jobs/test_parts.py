"""A row Telegram refuses as too long goes out in parts, never failed for its length.

The stand-in answers "Bad Request: message is too long" past 4,096 characters, as Telegram
does; a scripted answer stands for a Telegram that counts a text longer than we do.
"""

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Services, open_services
from news.config import Config
from news.delivery.plan import NewMessage
from news.delivery.render import plain_text, visible_length
from news.store.outbox import add_messages
from tests.conftest import ConfigFactory
from tests.fakes.telegram import MAX_TEXT_UTF16, FakeTelegram
from tests.outbox import add_chats, eventually, outbox_states, received, running_sender

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
TOO_LONG = "Bad Request: message is too long"


def story(n: int, size: int = 1400) -> str:
    words = " ".join([f"s{n}"] * (size // 4))
    return f'<b><a href="https://example.org/{n}">Story {n}</a></b>\n{words}'


DIGEST = "<b>Daily digest</b> — 5 stories\n\n" + "\n\n".join(story(n) for n in range(5))


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(latency=0.01) as fake:
        yield fake


@pytest.fixture
async def services(make_config: ConfigFactory) -> AsyncIterator[Services]:
    config: Config = make_config(delivery={"max_attempts": 3, "retry_base": "100ms"})
    async with open_services(config) as opened:
        yield opened


async def enqueue(services: Services, chat: int, *texts: str) -> None:
    await add_chats(services.db, [chat], topic="t", since=T0 - timedelta(days=1))
    async with services.db.writing() as session:
        await add_messages(session, [NewMessage(chat, "digest", t, ()) for t in texts], T0)


async def all_sent(services: Services) -> None:
    async def settled() -> bool:
        states = await outbox_states(services.db)
        return not states.get("pending") and not states.get("sending")

    await eventually(settled, within=30)


async def test_a_digest_too_long_goes_in_parts_between_stories(
    tg: FakeTelegram, services: Services, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING)
    tg.add_chat(31)
    await enqueue(services, 31, DIGEST, "<b>Next</b> message")
    async with running_sender(services.db, tg, services.config.delivery):
        await all_sent(services)
    parts = received(tg, 31)
    assert len(parts) == 3  # two parts, then the message queued after the long one
    assert parts[-1] == "Next message"
    assert all(visible_length(p) <= MAX_TEXT_UTF16 for p in tg_html(tg, 31))
    assert "\n\n".join(parts[:-1]) == plain_text(DIGEST)  # every story, none cut in two
    assert all(p.startswith(("Daily digest", "Story")) for p in parts[:-1])
    assert await outbox_states(services.db) == {"sent": 2}
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.endswith("Telegram refused it as too long; sending it in 2 parts")


def tg_html(tg: FakeTelegram, chat: int) -> list[str]:
    return [r.html for r in tg.sent(chat)]


async def test_a_text_telegram_counts_longer_than_we_do_is_halved(tg, services):
    tg.add_chat(32)
    text = "\n\n".join(story(n, size=600) for n in range(4))  # 2,500 characters
    tg.fail_next("sendMessage", chat_id=32, status=400, description=TOO_LONG)
    await enqueue(services, 32, text)
    async with running_sender(services.db, tg, services.config.delivery):
        await all_sent(services)
    parts = received(tg, 32)
    assert len(parts) == 2
    assert "\n\n".join(parts) == plain_text(text)
    assert await outbox_states(services.db) == {"sent": 1}


async def test_a_part_that_fails_is_retried_and_the_parts_sent_before_are_not(tg, services):
    tg.add_chat(33)
    await enqueue(services, 33, DIGEST)
    async with running_sender(services.db, tg, services.config.delivery):
        await tg.await_for(lambda: len(received(tg, 33)) == 1, timeout=30)
        # The next part waits a second for the chat: time enough to break it on the way.
        tg.server_error("sendMessage", chat_id=33)
        await all_sent(services)
    parts = received(tg, 33)
    assert len(parts) == 2
    assert "\n\n".join(parts) == plain_text(DIGEST)
    assert await outbox_states(services.db) == {"sent": 1}


async def test_a_text_with_nothing_left_to_split_is_failed_not_retried_forever(tg, services):
    tg.add_chat(34)
    tg.fail_next("sendMessage", chat_id=34, status=400, description=TOO_LONG)
    await enqueue(services, 34, "x")
    async with running_sender(services.db, tg, services.config.delivery):
        await all_sent(services)
    assert received(tg, 34) == []
    assert await outbox_states(services.db) == {"failed": 1}
