"""Several senders claiming from one outbox at once (PostgreSQL): each row is leased to one of
them, and a chat has one message in flight whoever sends it."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from news.store.claims import claim_due
from news.store.db import Database
from news.store.tables import Outbox
from tests.outbox import add_chats, queue_messages

pytestmark = pytest.mark.postgresql_only("SQLite takes one sender: a second one is refused")
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)  # longer than the test: no lease runs out
SINCE = NOW - timedelta(days=1)


async def fill(db: Database, chats: int, per_chat: int) -> None:
    await add_chats(db, range(1, chats + 1), topic="cambodia-eba", since=SINCE)
    await queue_messages(db, range(1, chats + 1), NOW, per_chat=per_chat)


async def claim_until_empty(db: Database) -> list[tuple[int, int]]:
    """Claim small batches, as a sender does, until a claim finds nothing; settle none."""
    claimed: list[tuple[int, int]] = []
    owner = f"sender-{id(db)}"
    while rows := await claim_due(db, NOW, owner=owner, limit=20, lease=LEASE, busy=set()):
        claimed += [(row.id, row.chat_id) for row in rows]
    return claimed


async def claim_together(dbs: list[Database]) -> list[tuple[int, int]]:
    """Every sender claims at once, round after round, until a round claims nothing at all
    (a sender's claim comes back empty early when the others hold the rows it wanted)."""
    claimed: list[tuple[int, int]] = []
    while rounds := [
        row for got in await asyncio.gather(*map(claim_until_empty, dbs)) for row in got
    ]:
        claimed += rounds
    return claimed


async def count(db: Database, state: str) -> int:
    async with db.sessions() as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.state == state)
        return int(await session.scalar(query) or 0)


@pytest.mark.parametrize("senders", [2, 4])
async def test_senders_claiming_at_once_lease_each_row_once(open_db, senders):
    dbs = [open_db() for _ in range(senders)]
    await fill(dbs[0], chats=5000, per_chat=1)
    claimed = Counter(row_id for row_id, _ in await claim_together(dbs))
    assert sum(n - 1 for n in claimed.values()) == 0  # rows claimed twice
    assert len(claimed) == 5000
    assert await count(dbs[0], "sending") == 5000


@pytest.mark.parametrize("senders", [2, 4])
async def test_a_chat_has_one_message_in_flight_across_senders(open_db, senders):
    dbs = [open_db() for _ in range(senders)]
    await fill(dbs[0], chats=1000, per_chat=3)
    claimed = await claim_together(dbs)
    assert sorted(Counter(chat for _, chat in claimed).items()) == [
        (chat, 1) for chat in range(1, 1001)
    ]
    assert sorted(row_id for row_id, _ in claimed) == list(range(1, 1001))  # each chat's oldest
