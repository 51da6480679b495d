"""What one feed's poll leaves behind: its next poll, planned from the outcome, written with
the outcome (the claim ends with it), and the report the cycle logs and prints."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from news.config import Config, FeedConfig
from news.fetch.backoff import plan_next_poll
from news.models import DueFeed, FeedReport, FeedStatus, NextPoll, StoredStory, Validators
from news.store.db import Database
from news.store.feeds import PollRecord, record_poll, record_polls

UNCHANGED_BATCH = 100  # "not modified" outcomes written per transaction


@dataclass(slots=True)
class PollRecorder:
    """Writes poll outcomes as the poller ``owner``; most feeds, most cycles, are unchanged,
    so those are written in batches."""

    config: Config
    db: Database
    owner: str  # names the poller's claims, which a record ends
    _feeds_by_url: dict[str, FeedConfig] = field(init=False)
    _unchanged: list[tuple[int, PollRecord]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.use_config(self.config)

    def use_config(self, config: Config) -> None:
        """Plan polls with a reloaded config's intervals and backoff."""
        self.config = config
        self._feeds_by_url = {feed.url: feed for feed in config.feeds}

    def next_poll(
        self, feed: DueFeed, now: datetime, status: FeedStatus, retry_after: datetime | None = None
    ) -> NextPoll:
        """When ``feed`` is polled again after an outcome of ``status``."""
        return plan_next_poll(
            status,
            now=now,
            interval=self._interval(feed),
            max_backoff=self.config.polling.max_backoff,
            error_count=feed.error_count,
            retry_after=retry_after,
        )

    async def record(
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
        next_poll = self.next_poll(feed, now, status, retry_after)
        record = PollRecord(status, next_poll, http_status, message, validators, moved_to)
        if status is FeedStatus.NOT_MODIFIED:
            # Most feeds, most cycles: written in batches, as one transaction each. If the
            # process dies first, those feeds are simply asked again (a conditional GET).
            self._unchanged.append((feed.id, record))
            if len(self._unchanged) >= UNCHANGED_BATCH:
                await self.flush(now)
        else:
            await record_poll(self.db, feed.id, record, now, owner=self.owner)
        return feed_report(feed, record)

    async def flush(self, now: datetime) -> None:
        """Write the unchanged outcomes still held: at the end of every cycle."""
        records, self._unchanged = self._unchanged, []
        await record_polls(self.db, records, now, owner=self.owner)

    def _interval(self, feed: DueFeed) -> timedelta:
        config = self._feeds_by_url.get(feed.config_url)
        return self.config.interval_for(config) if config else self.config.polling.every


def feed_report(
    feed: DueFeed, record: PollRecord, new_stories: tuple[StoredStory, ...] = ()
) -> FeedReport:
    """One feed's line of the cycle's report: what was recorded, and the stories saved."""
    return FeedReport(
        feed.id,
        feed.name,
        record.status,
        new_stories,
        message=record.message,
        http_status=record.http_status,
        next_poll=record.next_poll.at,
    )
