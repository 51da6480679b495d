"""The poll cycle: every due feed is fetched, parsed, stored and rescheduled.

One feed's failure is that feed's recorded error; it never stops the others.
"""

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from news.config import Config, FeedConfig
from news.feeds.job import parse_document
from news.feeds.workers import WorkerPool, WorkTimeoutError
from news.fetch.backoff import plan_next_poll
from news.fetch.budget import ByteBudget
from news.fetch.context import resolve_context
from news.fetch.feed import Fetched, FetchFailed, FetchLimits, HostLimiter, fetch_feed
from news.fetch.memory import release_free_memory
from news.fetch.policy import OutboundPolicy
from news.fetch.thread import FetchThread, on_caller_loop
from news.models import (
    DueFeed,
    FeedContext,
    FeedReport,
    FeedStatus,
    NextPoll,
    ParsedFeed,
    ParseError,
    Validators,
)
from news.store.context import (
    PendingContext,
    pending_contexts,
    record_context,
    use_cached_contexts,
)
from news.store.db import Database
from news.store.feeds import PollRecord, record_poll, record_polls
from news.store.polling import claim_due_feeds, holding_claims
from news.store.stories import SaveResult, index_headlines, recent_keys, save_entries
from news.text.cluster import HeadlineIndex
from news.topics.match import CompiledTopic, compile_topics

log = logging.getLogger(__name__)

# Bodies fetched or being fetched and not yet stored, in units of the body cap (10 MiB by
# default): dozens of usual feeds, enough to keep the parsers busy. Fetching further ahead
# gains nothing, since parsing is the slower step, and costs memory; at a cold start it also
# kept fetching busy for seconds, which replies then queued behind (B3: 4 units gave a p99
# of 150-310 ms).
UNPARSED_BODIES = 1
# What a download is counted as before its body has arrived: a large feed's size. A feed
# with validators is counted as nothing, since it most likely answers 304 Not Modified.
EXPECTED_BODY = 256 * 1024
UNCHANGED_BATCH = 100  # "not modified" outcomes written per transaction
STILL = " (the same document again)"
KNOWN_KEYS = 500  # a feed's most recent entry keys sent to the parser (feeds list ~10–100)

AfterSave = Callable[[DueFeed, SaveResult, datetime], Awaitable[None]]


@dataclass(slots=True)
class Poller:
    """Everything a poll cycle needs, built once by the composition root."""

    config: Config
    db: Database
    fetcher: FetchThread
    workers: WorkerPool
    after_save: AfterSave | None = None
    limiter: HostLimiter = field(init=False)
    unparsed: ByteBudget = field(init=False)
    policy: OutboundPolicy = field(init=False)
    topics: tuple[CompiledTopic, ...] = field(init=False)
    headlines: HeadlineIndex = field(default_factory=HeadlineIndex)
    _headlines_loaded: bool = False
    _feeds_by_url: dict[str, FeedConfig] = field(init=False)
    _unchanged: list[tuple[int, PollRecord]] = field(default_factory=list)
    owner: str = field(default_factory=lambda: secrets.token_hex(8))  # names its claims
    lease: timedelta = field(init=False)
    batch: int = field(init=False)

    def __post_init__(self) -> None:
        self.use_config(self.config)

    def use_config(self, config: Config) -> None:
        """Switch to a reloaded config (topics, intervals, limits)."""
        self.config = config
        self.limiter = HostLimiter(overall=config.http.concurrency, per_host=config.http.per_host)
        self.unparsed = ByteBudget(UNPARSED_BODIES * config.http.max_body)
        self.policy = OutboundPolicy(frozenset(config.http.allow_hosts))
        self.topics = compile_topics(config.topics)
        self._feeds_by_url = {feed.url: feed for feed in config.feeds}
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
                await self._flush_unchanged(now)
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
                started = [group.create_task(self.poll_feed(feed, now)) for feed in feeds]
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

    async def poll_feed(self, feed: DueFeed, now: datetime) -> FeedReport:
        """Fetch, parse, store and reschedule one feed. Never raises."""
        try:
            return await self._poll(feed, now)
        except Exception as error:
            log.exception("polling %s failed unexpectedly", feed.name)
            return await self._record(
                feed, now, FeedStatus.INTERNAL, f"{type(error).__name__}: {error}"
            )

    async def _poll(self, feed: DueFeed, now: datetime) -> FeedReport:
        limits = FetchLimits(self.config.http.max_body, self.config.http.total_timeout)
        async with AsyncExitStack() as held:
            # Back-pressure: a download starts once the budget has room for it, and its body
            # counts until the feed is stored, so fetching keeps to the parsers' pace. (Bodies
            # counted only once a parser could take them parked in every fetch slot: 45 MB at
            # a cold cycle's peak.) The budget, and the large-body place a body past
            # LARGE_BODY waits for, stay in ``held`` until the body is garbage.
            expects_304 = bool(feed.validators.etag or feed.validators.last_modified)
            place = await held.enter_async_context(
                self.unparsed.hold(0 if expects_304 else EXPECTED_BODY)
            )
            take_place = on_caller_loop(partial(held.enter_async_context, self.limiter.large))
            async with self.limiter.slot(feed.url):
                outcome = await self.fetcher.run(
                    fetch_feed,
                    feed.url,
                    feed.validators,
                    limits,
                    now=now,
                    on_large=take_place,
                    policy=self.policy,
                    origin=feed.config_url,
                )
            if isinstance(outcome, Fetched):
                place.resize(len(outcome.body))
                return await self._ingest(feed, outcome, now)
        if isinstance(outcome, FetchFailed):
            return await self._record(
                feed,
                now,
                outcome.status,
                outcome.message,
                http_status=outcome.http_status,
                retry_after=outcome.retry_after,
                moved_to=outcome.moved_to,
            )
        if outcome.same_body and feed.last_status is FeedStatus.PARSE_ERROR:
            # The document that failed last time, byte for byte: it would fail again.
            return await self._record(
                feed,
                now,
                FeedStatus.PARSE_ERROR,
                _still(feed.last_error),
                http_status=200,
                moved_to=outcome.moved_to,
            )
        return await self._record(
            feed,
            now,
            FeedStatus.NOT_MODIFIED,
            validators=outcome.validators,
            moved_to=outcome.moved_to,
        )

    async def _ingest(self, feed: DueFeed, fetched: Fetched, now: datetime) -> FeedReport:
        try:
            parsed = await self._parse(feed, fetched, now)
        except (ParseError, WorkTimeoutError) as error:
            # Keep the old ETag and date: the next poll must fetch again, not get a 304. The
            # hash becomes the broken document's, so the same bytes are not parsed again; after
            # a timeout (which may be load) none, so whatever comes next is parsed.
            old = feed.validators
            broken = fetched.validators.body_hash if isinstance(error, ParseError) else None
            return await self._record(
                feed,
                now,
                FeedStatus.PARSE_ERROR,
                str(error),
                http_status=200,
                validators=Validators(old.etag, old.last_modified, broken),
            )
        record = PollRecord(
            FeedStatus.OK,
            self._next_poll(feed, now, FeedStatus.OK),
            http_status=200,
            message=parsed.warning,
            validators=fetched.validators,
            moved_to=fetched.moved_to,
        )
        # One transaction: the stories, the validators saying they were read, the claim's end.
        saved = await save_entries(
            self.db,
            feed,
            parsed.entries,
            now,
            self.headlines,
            record,
            parsed.present,
            owner=self.owner,
        )
        if self.after_save is not None:
            await self.after_save(feed, saved, now)
        return _with_stories(_report(feed, record), saved)

    async def _parse(self, feed: DueFeed, fetched: Fetched, now: datetime) -> ParsedFeed:
        context = FeedContext(feed.url, feed.name, feed.source_type, feed.language)
        # Most of a changed feed is items it carried before: the parser need not clean them.
        # Only recent keys are sent; an older item coming back is cleaned, then skipped here.
        known = (
            frozenset()
            if feed.last_status is FeedStatus.NEW  # never polled: nothing stored yet
            else await recent_keys(self.db, feed.id, KNOWN_KEYS)
        )
        return await self.workers.run(
            parse_document, fetched.body, fetched.headers, context, self.topics, now, known
        )

    def _next_poll(
        self, feed: DueFeed, now: datetime, status: FeedStatus, retry_after: datetime | None = None
    ) -> NextPoll:
        return plan_next_poll(
            status,
            now=now,
            interval=self._interval(feed),
            max_backoff=self.config.polling.max_backoff,
            error_count=feed.error_count,
            retry_after=retry_after,
        )

    async def _record(
        self,
        feed: DueFeed,
        now: datetime,
        status: FeedStatus,
        message: str | None = None,
        *,
        http_status: int | None = None,
        retry_after: datetime | None = None,
        validators: Validators | None = None,
        moved_to: str | None = None,
    ) -> FeedReport:
        """Write the outcome of a poll that stored nothing; its report."""
        next_poll = self._next_poll(feed, now, status, retry_after)
        record = PollRecord(status, next_poll, http_status, message, validators, moved_to)
        if status is FeedStatus.NOT_MODIFIED:
            # Most feeds, most cycles: written in batches, as one transaction each. If the
            # process dies first, those feeds are simply asked again (a conditional GET).
            self._unchanged.append((feed.id, record))
            if len(self._unchanged) >= UNCHANGED_BATCH:
                await self._flush_unchanged(now)
        else:
            await record_poll(self.db, feed.id, record, now, owner=self.owner)
        return _report(feed, record)

    async def resolve_contexts(self, now: datetime, *, batch: int = 20) -> int:
        """Look up story-in-context links for stories waiting for one; returns how many."""
        pending = await pending_contexts(self.db, now, limit=batch)
        done = await use_cached_contexts(self.db, pending)

        async def resolve(item: PendingContext) -> None:
            async with self.limiter.slot(item.item_url):
                result = await self.fetcher.run(
                    resolve_context,
                    item.item_url,
                    time_limit=self.config.http.total_timeout,
                    origin=item.feed_url,
                    policy=self.policy,
                )
            await record_context(self.db, item, result, now)

        await asyncio.gather(*(resolve(p) for p in pending if not p.cached))
        return done + sum(1 for p in pending if not p.cached)

    async def _flush_unchanged(self, now: datetime) -> None:
        records, self._unchanged = self._unchanged, []
        await record_polls(self.db, records, now, owner=self.owner)

    def _interval(self, feed: DueFeed) -> timedelta:
        config = self._feeds_by_url.get(feed.config_url)
        return self.config.interval_for(config) if config else self.config.polling.every


def claim_lease(config: Config) -> timedelta:
    """How long a claim on a feed lasts unless renewed: twice one feed's longest poll, its
    whole fetch (``http.total_timeout``) and its parse (``polling.parse_timeout``).

    The poller renews its claims every third of this while its cycle runs, since a feed may
    also wait behind others (per-host slots, the parsers, the body budget) for longer than
    any timeout says. Twice a whole poll: one renewal held up by a busy database loses no
    claim; and when a poller dies, its feeds are due again within this (3 minutes by
    default), not a whole poll interval later."""
    return 2 * (config.http.total_timeout + config.polling.parse_timeout)


def _still(error: str | None) -> str:
    """The last parse error, marked as seen again on the same document."""
    error = error or "could not be parsed"
    return error if error.endswith(STILL) else f"{error}{STILL}"


def _report(feed: DueFeed, record: PollRecord) -> FeedReport:
    return FeedReport(
        feed.id,
        feed.name,
        record.status,
        message=record.message,
        http_status=record.http_status,
        next_poll=record.next_poll.at,
    )


def _with_stories(report: FeedReport, saved: SaveResult) -> FeedReport:
    return FeedReport(
        report.feed_id,
        report.name,
        report.status,
        saved.new_stories,
        report.message,
        report.http_status,
        report.next_poll,
    )


def summarise_cycle(reports: Sequence[FeedReport]) -> str:
    """One log line for a cycle: "12 feeds: 9 ok, 2 not modified, 1 timeout; 31 new stories"."""
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status.value] = counts.get(report.status.value, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    new = sum(len(r.new_stories) for r in reports)
    return f"{len(reports)} feeds: {parts or 'none due'}; {new} new stories"
