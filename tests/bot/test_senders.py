"""Several senders on one outbox. PostgreSQL: processes share it, and every message goes once.
SQLite: a file takes one sender, and a second one is refused at start."""

import contextlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from news.config import DeliveryConfig
from news.store.claims import OutboxBusyError
from news.store.db import Database
from tests.fakes.telegram import FakeTelegram
from tests.outbox import add_chats, eventually, outbox_states, queue_messages, running_sender

CHATS = 2000
# Faster than Telegram allows, so that thousands of messages take seconds (the stand-in's
# limits are off): what is tested is that each goes once, not the pacing.
FAST = DeliveryConfig.model_construct(global_rate=150.0)


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(latency=0.01, implicit_chats=True, enforce_limits=False) as fake:
        yield fake


async def broadcast(db: Database, chats: int) -> list[int]:
    """One message due now for each of ``chats`` chats, as a story's fan-out leaves them."""
    now = datetime.now(UTC)
    ids = await add_chats(
        db, range(1, chats + 1), topic="cambodia-eba", since=now - timedelta(days=1)
    )
    await queue_messages(db, ids, now)
    return ids


def sends(tg: FakeTelegram) -> Counter[int]:
    return Counter(r.chat_id for r in tg.sent() if r.method == "sendMessage")


def repeats(tg: FakeTelegram) -> int:
    """Messages a chat received more than once."""
    return sum(n - 1 for n in sends(tg).values())


async def all_sent(db: Database, chats: int) -> None:
    await eventually(lambda: _states_are(db, {"sent": chats}), within=120)


async def _states_are(db: Database, expected: dict[str, int]) -> bool:
    return await outbox_states(db) == expected


@pytest.mark.postgresql_only("SQLite takes one sender")
@pytest.mark.parametrize("senders", [2, 4])
async def test_senders_sharing_an_outbox_send_every_message_once(tg, open_db, senders):
    dbs = [open_db() for _ in range(senders)]
    chats = await broadcast(dbs[0], CHATS)
    async with contextlib.AsyncExitStack() as running:
        for db in dbs:
            await running.enter_async_context(running_sender(db, tg, FAST))
        await all_sent(dbs[0], CHATS)
    assert repeats(tg) == 0
    assert sorted(sends(tg)) == chats


@pytest.mark.postgresql_only("SQLite takes one sender")
async def test_a_sender_started_mid_broadcast_resends_nothing(tg, open_db):
    first, second = open_db(), open_db()
    chats = await broadcast(first, CHATS)
    async with running_sender(first, tg, FAST):
        await tg.await_for(lambda: len(sends(tg)) >= 300, timeout=60)
        # The first sender has messages leased and in flight: the second leaves them be.
        async with running_sender(second, tg, FAST):
            await all_sent(first, CHATS)
    assert repeats(tg) == 0
    assert sorted(sends(tg)) == chats


@pytest.mark.sqlite_only("PostgreSQL takes several senders")
async def test_a_second_sender_on_a_sqlite_file_is_refused_until_the_first_stops(tg, open_db):
    first, second = open_db(), open_db()
    await broadcast(first, 3)
    async with running_sender(first, tg, FAST):
        with pytest.raises(OutboxBusyError):
            await running_sender(second, tg, FAST).__aenter__()
        await all_sent(first, 3)
    async with running_sender(second, tg, FAST):  # the first one stopped: its lock is gone
        pass
    assert sends(tg) == Counter({1: 1, 2: 1, 3: 1})
