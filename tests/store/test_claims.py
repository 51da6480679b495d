"""Claims read the due rows a page at a time and must lease exactly what grouping every due
row would: each chat's oldest due row, busy chats left out, the oldest first."""

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from news.store.claims import claim_due, oldest_per_chat
from news.store.db import Database, open_database, upgrade_database_async
from news.store.outbox import OUTBOX
from news.store.tables import Outbox
from tests.outbox import add_chats

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
CHATS = range(1, 81)
STATES = ["pending"] * 5 + ["sending", "sent", "sent", "failed", "cancelled"]


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    await upgrade_database_async(database_url)
    database = open_database(database_url)
    await add_chats(database, CHATS, topic="cambodia-eba", since=NOW - timedelta(days=1))
    yield database
    await database.close()


async def fill(db: Database, rows: int, seed: int) -> None:
    """Rows in every state, several per chat, due and not, leases live and run out."""
    pick = random.Random(seed)
    values = []
    for _ in range(rows):
        state = pick.choice(STATES)
        values.append(
            {
                "chat_id": pick.choice(CHATS),
                "kind": "alert",
                "part": 0,
                "text": "A story",
                "stories": "1",
                "is_html": True,
                "state": state,
                "attempts": 0,
                "next_attempt_at": NOW + timedelta(seconds=pick.choice([-60, -1, 0, 1, 60])),
                "lease_until": NOW + timedelta(seconds=pick.choice([-5, 5]))
                if state == "sending"
                else None,
                "created_at": NOW,
            }
        )
    async with db.writing() as session:
        await session.execute(insert(OUTBOX), values)


async def expected_claim(db: Database, now: datetime, limit: int, busy: set[int]) -> list[int]:
    """What the grouping query leased: min(id) of the due rows per chat, oldest first, but
    none of a chat with a message out under a live lease (another sender's)."""
    async with db.sessions() as session:
        rows = (await session.execute(select(Outbox).order_by(Outbox.id))).scalars().all()
    oldest: dict[int, int] = {}
    in_flight = {
        row.chat_id
        for row in rows
        if row.state == "sending" and row.lease_until is not None and row.lease_until >= now
    }
    for row in rows:
        due = (row.state == "pending" and row.next_attempt_at <= now) or (
            row.state == "sending" and row.lease_until is not None and row.lease_until < now
        )
        if due and row.chat_id not in busy | in_flight:
            oldest.setdefault(row.chat_id, row.id)
    return sorted(oldest.values())[:limit]


@pytest.mark.parametrize("page", [1, 2, 3, 7, 0])
async def test_paged_claims_lease_what_grouping_every_due_row_would(db, page):
    await fill(db, rows=400, seed=page)
    pick = random.Random(100 + page)
    leased = 0
    for step in range(25):
        limit = pick.choice([1, 2, 5, 30])
        busy = set(pick.sample(CHATS, pick.choice([0, 3, 10])))
        now = NOW + timedelta(seconds=step % 3)
        expected = await expected_claim(db, now, limit, busy)
        claimed = await claim_due(
            db, now, owner="s", limit=limit, lease=LEASE, busy=busy, page=page
        )
        assert [row.id for row in claimed] == expected, f"step {step}"
        assert len({row.chat_id for row in claimed}) == len(claimed)
        leased += len(claimed)
    assert leased > 25  # the steps claimed something worth comparing


async def test_a_claimed_row_is_leased_and_not_claimed_again_until_the_lease_ends(db):
    await fill(db, rows=60, seed=7)
    first = await claim_due(db, NOW, owner="s", limit=100, lease=LEASE, busy=set(), page=2)
    assert first
    # The sender names the chats it has in flight; their other rows wait for them.
    busy = {row.chat_id for row in first}
    assert await claim_due(db, NOW, owner="s", limit=100, lease=LEASE, busy=busy, page=2) == []
    async with db.sessions() as session:
        leased = (
            await session.execute(
                select(Outbox.state, Outbox.lease_until).where(
                    Outbox.id.in_([row.id for row in first])
                )
            )
        ).all()
    assert {(state, until) for state, until in leased} == {("sending", NOW + LEASE)}
    # The lease ran out: each row is due again, unless an older row of its chat fell due.
    again = await claim_due(
        db, NOW + LEASE * 2, owner="s", limit=100, lease=LEASE, busy=set(), page=2
    )
    oldest = {row.chat_id: row.id for row in again}
    assert all(oldest[row.chat_id] <= row.id for row in first)


def test_oldest_per_chat_takes_each_chats_first_row_in_id_order():
    rows = [(9, 1), (3, 2), (4, 2), (5, 3), (1, 4), (7, 1)]
    assert oldest_per_chat(rows, busy={4}, limit=10) == [3, 5, 7]
    assert oldest_per_chat(rows, busy=set(), limit=2) == [1, 3]
    assert oldest_per_chat([], busy=set(), limit=3) == []
