"""One feed's poll: fetched within the byte budget and the host's slots, parsed in a worker,
its stories saved with its record. One feed's failure is that feed's recorded error; it
never stops the others."""

import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from jobs.poll.outcome import PollRecorder, feed_report
from news.config import Config
from news.feeds.job import parse_document
from news.feeds.workers import WorkerPool, WorkTimeoutError
from news.fetch.budget import ByteBudget
from news.fetch.feed import Fetched, FetchFailed, FetchLimits, HostLimiter, fetch_feed
from news.fetch.policy import OutboundPolicy
from news.fetch.thread import FetchThread, on_caller_loop
from news.models import (
    DueFeed,
    FeedContext,
    FeedReport,
    FeedStatus,
    ParsedFeed,
    ParseError,
    Validators,
)
from news.store.db import Database
from news.store.feeds import PollRecord
from news.store.stories import SaveResult, recent_keys, save_entries
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
STILL = " (the same document again)"
KNOWN_KEYS = 500  # a feed's most recent entry keys sent to the parser (feeds list ~10–100)

AfterSave = Callable[[DueFeed, SaveResult, datetime], Awaitable[None]]


@dataclass(slots=True)
class FeedPoller:
    """Polls one claimed feed at a time, many at once; built by the cycle's ``Poller``."""

    config: Config
    db: Database
    fetcher: FetchThread
    workers: WorkerPool
    recorder: PollRecorder
    headlines: HeadlineIndex  # the cycle loads it; saves use it to cluster headlines
    after_save: AfterSave | None = None
    limiter: HostLimiter = field(init=False)
    unparsed: ByteBudget = field(init=False)
    policy: OutboundPolicy = field(init=False)
    topics: tuple[CompiledTopic, ...] = field(init=False)

    def __post_init__(self) -> None:
        self._build(self.config)

    def use_config(self, config: Config) -> None:
        """Switch to a reloaded config (topics, limits, intervals)."""
        self.config = config
        self._build(config)
        self.recorder.use_config(config)

    def _build(self, config: Config) -> None:
        self.limiter = HostLimiter(overall=config.http.concurrency, per_host=config.http.per_host)
        self.unparsed = ByteBudget(UNPARSED_BODIES * config.http.max_body)
        self.policy = OutboundPolicy(frozenset(config.http.allow_hosts))
        self.topics = compile_topics(config.topics)

    async def poll_feed(self, feed: DueFeed, now: datetime) -> FeedReport:
        """Fetch, parse, store and reschedule one feed. Never raises."""
        try:
            return await self._poll(feed, now)
        except Exception as error:
            log.exception("polling %s failed unexpectedly", feed.name)
            return await self.recorder.record(
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
            return await self.recorder.record(
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
            return await self.recorder.record(
                feed,
                now,
                FeedStatus.PARSE_ERROR,
                _still(feed.last_error),
                http_status=200,
                moved_to=outcome.moved_to,
            )
        return await self.recorder.record(
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
            return await self.recorder.record(
                feed,
                now,
                FeedStatus.PARSE_ERROR,
                str(error),
                http_status=200,
                validators=Validators(old.etag, old.last_modified, broken),
            )
        record = PollRecord(
            FeedStatus.OK,
            self.recorder.next_poll(feed, now, FeedStatus.OK),
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
            owner=self.recorder.owner,
        )
        if self.after_save is not None:
            await self.after_save(feed, saved, now)
        return feed_report(feed, record, saved.new_stories)

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


def _still(error: str | None) -> str:
    """The last parse error, marked as seen again on the same document."""
    error = error or "could not be parsed"
    return error if error.endswith(STILL) else f"{error}{STILL}"
