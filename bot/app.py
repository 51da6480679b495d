"""The composition root: the only place that builds clients, engines, pools and schedules.

``open_services`` owns the database, the HTTP client (on its fetch thread) and the parser
processes. ``run_dry`` runs the jobs without Telegram and prints what it would send; the bot
itself is wired in ``bot/telegram_app.py`` from the same services.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.console import (
    OK_STATUSES,
    format_feed_problem,
    format_new_stories,
    format_poll_table,
    format_story,
)
from bot.health import Observer, listening
from bot.roles import ALL, JOB_ROLES
from jobs.deliver import Dispatcher
from jobs.poll import Poller, summarise_cycle
from jobs.schedule import RecurringJob, schedule_on_scheduler
from news.config import Config
from news.feeds.workers import WorkerPool
from news.fetch.feed import make_http_client
from news.fetch.thread import FetchThread
from news.models import FeedReport
from news.store.db import Database, PoolSettings, open_database, prepare_schema
from news.store.feeds import sync_feeds
from news.store.listing import latest_stories

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    """Long-lived collaborators, built once per process."""

    config: Config
    db: Database
    fetcher: FetchThread
    workers: WorkerPool
    poller: Poller
    dispatcher: Dispatcher = field(init=False)
    observer: Observer = field(default_factory=Observer)  # for /healthz and /metrics

    def __post_init__(self) -> None:
        self.dispatcher = Dispatcher(self.db, lambda: self.config)


@asynccontextmanager
async def open_services(config: Config, *, workers: int | None = None) -> AsyncIterator[Services]:
    """Open the database (created if new), build the HTTP client and parser pool; close on
    exit."""
    db = await open_migrated(config)
    fetcher = FetchThread(
        make_http_client(
            user_agent=config.http.user_agent,
            connect_timeout=config.http.connect_timeout,
            max_redirects=config.http.max_redirects,
            concurrency=config.http.concurrency,
        )
    )
    pool = WorkerPool(
        config.polling.parse_workers if workers is None else workers,
        timeout=config.polling.parse_timeout.total_seconds(),
    )
    try:
        await sync_feeds(db, config.feeds)
        yield Services(config, db, fetcher, pool, Poller(config, db, fetcher, pool))
    finally:
        pool.close()
        await fetcher.aclose()
        await db.close()


async def open_migrated(config: Config) -> Database:
    """Create a new database's schema (an older one is the command line's to refuse or
    upgrade: ``bot.cli``), then open it with the configured pool."""
    storage = config.storage
    await asyncio.to_thread(prepare_schema, storage.database_url, migrate=False)
    pool = PoolSettings(
        size=storage.pool_size,
        overflow=storage.max_overflow,
        timeout=storage.pool_timeout.total_seconds(),
        connect_timeout=storage.connect_timeout.total_seconds(),
    )
    return open_database(storage.database_url, pool)


def recurring_jobs(
    services: Services,
    *,
    deliver: bool,
    on_poll: Callable[[list[FeedReport]], None] | None = None,
    roles: frozenset[str] = ALL,
    leading: Callable[[], bool] = lambda: True,
) -> list[RecurringJob]:
    """The jobs ``roles`` run on the clock; the dry run does not ``deliver``. The schedule's
    jobs run only while ``leading`` (this process holds the ``schedule`` lease)."""
    dispatcher = services.dispatcher

    async def poll(now: datetime) -> None:
        with services.observer.cycle.time():
            reports = await services.poller.poll_due(now)
        for report in reports:
            services.observer.polls.labels(report.status.value).inc()
            services.observer.stored.inc(len(report.new_stories))
        if reports:
            log.info("poll cycle: %s", summarise_cycle(reports))
            if on_poll is not None:
                on_poll(reports)
            if deliver and "schedule" in roles and leading():
                await dispatcher.fan_out(now)  # alerts right after the stories arrive

    async def resolve_contexts(now: datetime) -> None:
        await services.poller.resolve_contexts(now)

    tick = services.config.polling.tick
    jobs = [RecurringJob("poll", tick, poll), RecurringJob("context", tick, resolve_contexts)]
    if deliver:
        jobs += [
            RecurringJob("alerts", timedelta(seconds=15), dispatcher.fan_out),
            RecurringJob("digests", timedelta(minutes=1), dispatcher.digest_tick),
            RecurringJob("housekeeping", timedelta(hours=1), dispatcher.housekeeping),
        ]
    mine = [job for job in jobs if JOB_ROLES[job.name] in roles]
    led = [_when(leading, job) if JOB_ROLES[job.name] == "schedule" else job for job in mine]
    return [_heartbeat(job, services.observer) for job in led]


def _when(leading: Callable[[], bool], job: RecurringJob) -> RecurringJob:
    """The job, run only while ``leading``; a standby's turn passes quietly."""

    async def run(now: datetime) -> None:
        if leading():
            await job.run(now)

    return RecurringJob(job.name, job.every, run)


def _heartbeat(job: RecurringJob, observer: Observer) -> RecurringJob:
    """The job, telling ``observer`` when each run has finished (for /healthz)."""

    async def run(now: datetime) -> None:
        await job.run(now)
        observer.ran(job.name, job.every)

    return RecurringJob(job.name, job.every, run)


async def apply_config(services: Services, config: Config) -> None:
    """Switch a running process to a reloaded config: feeds, topics, limits, defaults."""
    if config.storage.database_url != services.config.storage.database_url:
        raise ValueError("storage.database_url changed: that needs a restart")
    if config.storage != services.config.storage:
        raise ValueError("the [storage] pool settings changed: that needs a restart")
    await sync_feeds(services.db, config.feeds)
    services.poller.use_config(config)
    services.config = config


CONTEXT_ROUNDS = 50  # of 20 lookups each: a first run of a large aggregator feed


async def poll_once(config: Config, out: TextIO) -> list[FeedReport]:
    """``rights-digest poll --once``: poll every due feed, print the table and new stories."""
    async with open_services(config) as services:
        now = datetime.now(UTC)
        reports = await services.poller.poll_due(now)
        # As the bot would, before anyone reads them: stories in context (BHRRC's #c<id>).
        # Each round settles up to a batch; a lookup that failed waits for a later run.
        for _ in range(CONTEXT_ROUNDS):
            if not await services.poller.resolve_contexts(now):
                break
    out.write(format_poll_table(reports))
    out.write(format_new_stories(reports))
    return reports


async def print_latest(config: Config, topics: list[str], count: int, out: TextIO) -> int:
    """``rights-digest latest``: the newest matched stories, as a subscriber reads them."""
    db = await open_migrated(config)
    try:
        stories = await latest_stories(db, topics, limit=max(1, min(count, 100)))
    finally:
        await db.close()
    if not stories:
        out.write("No matched stories yet. Poll first: rights-digest poll --once\n")
        return 0
    out.write("\n\n".join(format_story(story) for story in stories) + "\n")
    return 0


class DryRunPrinter:
    """Prints each cycle's news, and each feed's problem once (not on every retry)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._last_problem: dict[int, str] = {}

    def cycle(self, reports: list[FeedReport]) -> None:
        """Print what one poll cycle found."""
        for report in reports:
            problem = None if report.status in OK_STATUSES else report.status.value
            if problem and self._last_problem.get(report.feed_id) != problem:
                self.out.write(format_feed_problem(report) + "\n")
            elif not problem and report.feed_id in self._last_problem:
                self.out.write(f"✓ {report.name}: working again\n")
            self._last_problem.pop(report.feed_id, None)
            if problem:
                self._last_problem[report.feed_id] = problem
        self.out.write(format_new_stories(reports))
        self.out.flush()


async def run_dry(config: Config, out: TextIO, reason: str) -> None:
    """Poll on schedule and print what would be sent, until cancelled (Ctrl-C)."""
    out.write(
        f"DRY RUN: {reason}\n"
        "Polling feeds on schedule and printing what would be sent; nothing goes to Telegram.\n"
        "Press Ctrl-C to stop.\n"
    )
    out.flush()
    printer = DryRunPrinter(out)
    async with open_services(config) as services:
        scheduler = AsyncIOScheduler(timezone=UTC)
        jobs = recurring_jobs(services, deliver=False, on_poll=printer.cycle)
        runs = schedule_on_scheduler(scheduler, jobs)
        scheduler.start()
        try:
            with listening(
                config.health.listen, services.observer, services.db, config.polling.every
            ):
                await asyncio.Event().wait()
        finally:
            scheduler.shutdown(wait=False)
            await runs.stop()  # before the services they use are closed
