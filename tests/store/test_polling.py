"""Pollers sharing one database's due feeds: each feed claimed by one of them, a dead
poller's feeds due again once its lease runs out, a claim ended only by its owner."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from news.config import FeedConfig
from news.models import FeedStatus, NextPoll
from news.store.db import Database
from news.store.feeds import PollRecord, record_poll, sync_feeds
from news.store.polling import claim_due_feeds, release_claims, renew_claims
from news.store.tables import Feed

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=3)
FEEDS = 500


def feed(n: int) -> FeedConfig:
    return FeedConfig.model_validate(
        {"name": f"Feed {n}", "url": f"https://e{n % 50}.org/{n}.xml", "type": "ngo"}
    )


async def add_feeds(db: Database, count: int) -> None:
    await sync_feeds(db, [feed(n) for n in range(count)])


async def claim(db: Database, owner: str, at: datetime = NOW, limit: int = 20) -> list[int]:
    return [f.id for f in await claim_due_feeds(db, at, owner=owner, limit=limit, lease=LEASE)]


async def claim_until_empty(db: Database, owner: str) -> list[int]:
    """Claim batches, as a poller does, recording nothing, until a claim finds nothing."""
    claimed: list[int] = []
    while batch := await claim(db, owner):
        claimed += batch
    return claimed


async def claims(db: Database) -> dict[int, tuple[str | None, datetime | None]]:
    query = select(Feed.id, Feed.claim_owner, Feed.claim_until)
    async with db.sessions() as session:
        return {i: (owner, until) for i, owner, until in await session.execute(query)}


def polled(at: datetime) -> PollRecord:
    """A poll's outcome: read fine, next due in ten minutes."""
    return PollRecord(FeedStatus.OK, NextPoll(at + timedelta(minutes=10), 0), http_status=200)


async def test_two_pollers_claiming_at_once_divide_the_due_feeds(open_db):
    first, second = open_db(), open_db()  # a connection each, as two processes have
    await add_feeds(first, FEEDS)
    mine, theirs = await asyncio.gather(
        claim_until_empty(first, "poller-a"), claim_until_empty(second, "poller-b")
    )
    assert set(mine) & set(theirs) == set()
    assert sorted(mine + theirs) == sorted(await claims(first))
    assert len(mine + theirs) == FEEDS
    owners = Counter(owner for owner, _ in (await claims(first)).values())
    assert owners == Counter({"poller-a": len(mine), "poller-b": len(theirs)})


async def test_a_claim_comes_most_overdue_first_and_runs_for_the_lease(open_db):
    db = open_db()
    await add_feeds(db, 3)
    got = await claim(db, "poller-a", limit=2)
    assert len(got) == 2
    assert {i: c for i, c in (await claims(db)).items() if c[0]} == dict.fromkeys(
        got, ("poller-a", NOW + LEASE)
    )
    assert await claim(db, "poller-b") == sorted(set(await claims(db)) - set(got))


async def test_a_dead_pollers_claims_are_taken_once_its_lease_has_run_out(open_db):
    dead, alive = open_db(), open_db()
    await add_feeds(dead, 10)
    held = await claim(dead, "dead-poller")
    assert await claim(alive, "poller-b", at=NOW + LEASE - timedelta(seconds=1)) == []
    assert await claim(alive, "poller-b", at=NOW + LEASE + timedelta(seconds=1)) == held


async def test_only_the_owner_ends_its_claim_by_recording_the_poll(open_db):
    db = open_db()
    await add_feeds(db, 1)
    [feed_id] = await claim(db, "poller-a")
    # poller-b's claim had run out and it polled anyway: its outcome is written, the claim
    # poller-a holds stands.
    await record_poll(db, feed_id, polled(NOW), NOW, owner="poller-b")
    assert (await claims(db))[feed_id] == ("poller-a", NOW + LEASE)
    await record_poll(db, feed_id, polled(NOW), NOW, owner="poller-a")
    assert (await claims(db))[feed_id] == (None, None)
    # Recorded: not due again before its next poll, though no claim holds it.
    assert await claim(db, "poller-b", at=NOW + timedelta(minutes=9)) == []
    assert await claim(db, "poller-b", at=NOW + timedelta(minutes=10)) == [feed_id]


async def test_a_poller_renews_and_releases_only_its_own_claims(open_db):
    db = open_db()
    await add_feeds(db, 4)
    mine = await claim(db, "poller-a", limit=2)
    theirs = await claim(db, "poller-b", limit=2)
    later = NOW + timedelta(minutes=2)
    assert await renew_claims(db, owner="poller-a", until=later + LEASE) == 2
    assert await release_claims(db, owner="poller-b") == 2
    assert await claims(db) == dict.fromkeys(mine, ("poller-a", later + LEASE)) | dict.fromkeys(
        theirs, (None, None)
    )
