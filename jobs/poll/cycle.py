"""The poll cycle: claim due feeds a batch at a time, under leases, and poll each.

Pollers sharing one database share the work this way: each due feed is read by one of them,
and a dead poller's feeds are due again once its leases run out.
"""

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from jobs.poll.feed import FeedPoller
from jobs.poll.outcome import PollRecorder
from news.config import Config
from news.feeds.workers import WorkerPool
from news.fetch.context import resolve_context
from news.fetch.memory import release_free_memory
from news.fetch.thread import FetchThread
from news.models import FeedReport
from news.store.context import (
    PendingContext,
    pending_contexts,
    record_context,
    use_cached_contexts,
)
from news.store.db import Database
from news.store.polling import claim_due_feeds, holding_claims
from news.store.stories import index_headlines
from news.text.cluster import HeadlineIndex


@dataclass(slots=True)
class Poller:
    """Everything a poll cycle needs, built once by the composition root."""

    config: Config
    db: Database
    fetcher: FetchThread
    workers: WorkerPool
    owner: str = field(default_factory=lambda: secrets.token_hex(8))  # names its claims
    headlines: HeadlineIndex = field(default_factory=HeadlineIndex)
    feed_poller: FeedPoller = field(init=False)  # polls each claimed feed
    lease: timedelta = field(init=False)
    batch: int = field(init=False)
    _headlines_loaded: bool = False

    def __post_init__(self) -> None:
        recorder = PollRecorder(self.config, self.db, self.owner)
        self.feed_poller = FeedPoller(
            self.config, self.db, self.fetcher, self.workers, recorder, self.headlines
        )
        self._plan_claims(self.config)

    def use_config(self, config: Config) -> None:
        """Switch to a reloaded config (topics, intervals, limits)."""
        self.config = config
        self.feed_poller.use_config(config)
        self._plan_claims(config)

    def _plan_claims(self, config: Config) -> None:
        self.lease = claim_lease(config)
        # Feeds claimed and not yet recorded: enough to keep every fetch slot busy while
        # the next batch is claimed, few enough that other pollers find work too.
        self.batch = 2 * config.http.concurrency

    async def poll_due(self, now: datetime) -> list[FeedReport]:
        """Poll every feed due at ``now`` that no other poller holds, concurrently within
        the limits: claimed a batch at a time, so pollers sharing the database share the
        work, each feed read by one of them. Reports come in the order feeds were claimed."""
        polls: list[asyncio.Task[FeedReport]] = []
        async with holding_claims(self.db, owner=self.owner, now=now, lease=self.lease):
            try:
                async with asyncio.TaskGroup() as group:
                    await self._claim_and_poll(now, group, polls)
            finally:
                await self.feed_poller.recorder.flush(now)
        if polls:
            # The cycle's bodies and results are garbage now. Trimming a large heap takes a
            # while; ctypes lets go of the GIL, so in a thread it holds up no reply.
            await asyncio.to_thread(release_free_memory)
        return [poll.result() for poll in polls]

    async def _claim_and_poll(
        self, now: datetime, group: asyncio.TaskGroup, polls: list[asyncio.Task[FeedReport]]
    ) -> None:
        """Claim up to a batch and start polling it; claim again once half is done, until
        a claim comes back short (nothing else is due and free)."""
        in_hand: set[asyncio.Task[FeedReport]] = set()
        more = True
        while more or in_hand:
            room = self.batch - len(in_hand)
            if more and room >= self.batch // 2:
                feeds = await claim_due_feeds(
                    self.db, now, owner=self.owner, limit=room, lease=self.lease
                )
                more = len(feeds) == room
                if feeds and not polls:
                    await self._refresh_headlines(now)
                started = [
                    group.create_task(self.feed_poller.poll_feed(feed, now)) for feed in feeds
                ]
                polls += started
                in_hand.update(started)
            if in_hand:
                _, in_hand = await asyncio.wait(in_hand, return_when=asyncio.FIRST_COMPLETED)

    async def _refresh_headlines(self, now: datetime) -> None:
        """Load recent headlines once per process; drop those past the window each cycle.

        Only writes touch the index: saves use it inside theirs, one at a time, and this runs
        before the cycle's saves start. On a SQLite file that is the writer thread, so the
        tens of thousands of headlines a first cycle loads hold up neither the event loop
        nor the reader that commands wait on."""
        index, loaded = self.headlines, self._headlines_loaded

        def refresh(session: Session) -> None:
            if not loaded:
                index_headlines(session, index, now - index.window)
            index.prune(now)

        await self.db.write(refresh)
        self._headlines_loaded = True

    async def resolve_contexts(self, now: datetime, *, batch: int = 20) -> int:
        """Look up story-in-context links for stories waiting for one; returns how many.
        They go out through the feeds' host slots and outbound policy."""
        pending = await pending_contexts(self.db, now, limit=batch)
        done = await use_cached_contexts(self.db, pending)

        async def resolve(item: PendingContext) -> None:
            async with self.feed_poller.limiter.slot(item.item_url):
                result = await self.fetcher.run(
                    resolve_context,
                    item.item_url,
                    time_limit=self.config.http.total_timeout,
                    origin=item.feed_url,
                    policy=self.feed_poller.policy,
                )
            await record_context(self.db, item, result, now)

        await asyncio.gather(*(resolve(p) for p in pending if not p.cached))
        return done + sum(1 for p in pending if not p.cached)


def claim_lease(config: Config) -> timedelta:
    """How long a claim on a feed lasts unless renewed: twice one feed's longest poll, its
    whole fetch (``http.total_timeout``) and its parse (``polling.parse_timeout``).

    The poller renews its claims every third of this while its cycle runs, since a feed may
    also wait behind others (per-host slots, the parsers, the body budget) for longer than
    any timeout says. Twice a whole poll: one renewal held up by a busy database loses no
    claim; and when a poller dies, its feeds are due again within this (3 minutes by
    default), not a whole poll interval later."""
    return 2 * (config.http.total_timeout + config.polling.parse_timeout)


def summarise_cycle(reports: Sequence[FeedReport]) -> str:
    """One log line for a cycle: "12 feeds: 9 ok, 2 not modified, 1 timeout; 31 new stories"."""
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status.value] = counts.get(report.status.value, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    new = sum(len(r.new_stories) for r in reports)
    return f"{len(reports)} feeds: {parts or 'none due'}; {new} new stories"
