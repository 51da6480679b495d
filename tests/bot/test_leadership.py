"""One leader per role: the lease row, the ``Lead`` that keeps it, and schedulers that race.

Time is passed in (``now``, ``clock``): a lease runs out because the test says so, not
because the test waited.
"""

import asyncio
import tomllib
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from bot.health import Observer
from bot.leadership import Lead
from jobs.deliver import Dispatcher
from news.config import Config
from news.delivery.plan import NewMessage
from news.store.leaders import hold_lead, leave_lead
from news.store.outbox import add_messages, replace_alerts
from news.store.tables import Delivery, Feed, Outbox, Story, StoryTopic
from tests.clocks import T0, Clock
from tests.conftest import REPO
from tests.outbox import add_chats, queue_messages

LEASE = timedelta(seconds=15)
TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]


async def test_a_lease_is_held_by_one_owner_until_it_runs_out(open_db):
    db = open_db()
    assert await hold_lead(db, "send", "a", T0, LEASE)
    assert not await hold_lead(db, "send", "b", T0 + timedelta(seconds=14), LEASE)
    assert await hold_lead(db, "send", "a", T0 + timedelta(seconds=5), LEASE)  # renewed
    assert not await hold_lead(db, "send", "b", T0 + timedelta(seconds=19), LEASE)
    assert await hold_lead(db, "send", "b", T0 + timedelta(seconds=21), LEASE)  # ran out
    assert not await hold_lead(db, "send", "a", T0 + timedelta(seconds=22), LEASE)
    assert await hold_lead(db, "schedule", "a", T0, LEASE)  # each role its own lease


async def test_a_lease_given_up_is_taken_at_once(open_db):
    db = open_db()
    assert await hold_lead(db, "send", "a", T0, LEASE)
    await leave_lead(db, "send", "b")  # not b's to give up
    assert not await hold_lead(db, "send", "b", T0, LEASE)
    await leave_lead(db, "send", "a")
    assert await hold_lead(db, "send", "b", T0, LEASE)


def lead(db, clock: Clock, observer: Observer | None = None) -> Lead:
    return Lead(db, "send", LEASE, observer=observer, clock=clock.monotonic, now=clock.now)


async def test_a_standby_leads_only_once_the_leaders_lease_has_run_out(open_db):
    clock = Clock()
    observer = Observer()
    first, second = lead(open_db(), clock, observer), lead(open_db(), clock)
    await first._try()
    await second._try()
    assert (first.holds(), second.holds()) == (True, False)
    assert observer.registry.get_sample_value("rights_digest_leader", {"role": "send"}) == 1
    clock.seconds = 10.0  # the first did not renew (killed, stalled): it acts no more...
    assert not first.holds()
    await second._try()
    assert not second.holds()  # ...and a third of the lease before anyone else may
    clock.seconds = 15.5
    await second._try()
    await first._try()  # back from its stall: another leads
    assert (first.holds(), second.holds()) == (False, True)
    assert observer.registry.get_sample_value("rights_digest_leader", {"role": "send"}) == 0


async def test_a_leader_that_stops_hands_over_at_once(open_db):
    clock = Clock()
    first, second = lead(open_db(), clock), lead(open_db(), clock)
    stop = asyncio.Event()
    keeping = asyncio.create_task(first.keep(stop))
    assert await first.wait_until(True, asyncio.Event())
    await second._try()
    assert not second.holds()
    stop.set()
    await keeping
    assert not first.holds()
    await second._try()
    assert second.holds()


async def test_enqueueing_the_same_messages_twice_adds_them_once_and_raises_nothing(open_db):
    db = open_db()
    await add_chats(db, [1, 2], topic="cambodia-eba", since=T0)
    digests = [
        NewMessage(chat, "digest", "text", (), period="daily:2026-12-07") for chat in (1, 2)
    ]
    for _ in range(2):  # as two schedulers would, one after the other
        async with db.writing() as session:
            await add_messages(session, digests, T0)
    assert await rows_per_chat(db) == Counter({1: 1, 2: 1})


async def test_schedulers_racing_on_the_same_tick_enqueue_each_digest_once(open_db, make_config):
    # A leader change mid-tick: the old leader's tick and the new one's overlap. On
    # PostgreSQL they truly run at once; a SQLite file takes their writes in turn.
    config: Config = make_config(topics=TOPICS)
    dbs = [open_db() for _ in range(3)]
    await add_chats(
        dbs[0],
        range(1, 301),
        topic="cambodia-eba",
        since=T0 - timedelta(days=2),
        mode="daily",
        digest_time="07:00",
        timezone="UTC",
    )
    await story_matched(dbs[0], T0 - timedelta(hours=3))
    ticks = [Dispatcher(db, lambda: config).digest_tick(T0) for db in dbs]
    added = await asyncio.gather(*ticks)
    assert sum(added) >= 300
    assert await rows_per_chat(dbs[0]) == Counter(dict.fromkeys(range(1, 301), 1))
    assert await deliveries(dbs[0]) == 300


async def test_a_batch_merged_by_another_scheduler_is_left_to_it(open_db):
    db = open_db()
    await add_chats(db, [1], topic="cambodia-eba", since=T0)
    await queue_messages(db, [1], T0, per_chat=2)
    async with db.sessions() as session:
        ids = list(await session.scalars(select(Outbox.id).order_by(Outbox.id)))
    batch = [NewMessage(1, "batch", "both", ())]
    async with db.writing() as session:  # the first scheduler merges them
        await replace_alerts(session, [(i, 1, []) for i in ids], batch, T0)
    async with db.writing() as session:  # the second, planned from what it read before
        await replace_alerts(session, [(i, 1, []) for i in ids], batch, T0)
    assert await rows_per_chat(db) == Counter({1: 1})


async def story_matched(db, at: datetime) -> None:
    """One story matched to ``cambodia-eba`` at ``at``, as a poll would leave it."""
    async with db.writing() as session:
        feed = await session.scalar(insert(Feed).returning(Feed.id), [FEED])
        story = {
            "url_key": "example.org/1",
            "feed_id": feed,
            "url": "https://example.org/1",
            "title": "EU trade preferences",
            "text": "Text.",
            "summary": "Text.",
            "language": "en",
            "published_at": at,
            "first_seen_at": at,
            "news_at": at,
        }
        story_id = await session.scalar(insert(Story).returning(Story.id), [story])
        match = {"story_id": story_id, "topic": "cambodia-eba", "terms": "[]", "matched_at": at}
        await session.execute(insert(StoryTopic), [match])


FEED = {
    "url": "https://example.org/feed",
    "fetch_url": "https://example.org/feed",
    "name": "Example",
    "source_type": "ngo",
    "language": "en",
    "enabled": False,
    "last_status": "ok",
    "error_count": 0,
}


async def rows_per_chat(db) -> Counter[int]:
    """Open or sent rows per chat (cancelled ones were merged away)."""
    query = select(Outbox.chat_id).where(Outbox.state != "cancelled")
    async with db.sessions() as session:
        return Counter(await session.scalars(query))


async def deliveries(db) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Delivery)) or 0)
