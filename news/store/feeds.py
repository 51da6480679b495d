"""Feed rows: created from the config, updated after every poll (claimed when due: polling.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import Boolean, and_, bindparam, case, null, select, update
from sqlalchemy.orm import Session

from news.config import FeedConfig
from news.models import FeedStatus, NextPoll, Validators
from news.store.bulk import insert_ignoring_duplicates, update_by_id
from news.store.db import Database
from news.store.tables import Base, Feed

FEEDS = Base.metadata.tables["feeds"]  # for Core statements


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What to write back about one poll."""

    status: FeedStatus
    next_poll: NextPoll
    http_status: int | None = None
    message: str | None = None
    validators: Validators | None = None
    moved_to: str | None = None


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed's state as admins see it in /feeds."""

    id: int
    name: str
    url: str
    enabled: bool
    status: str
    http_status: int | None
    error: str | None
    error_count: int
    last_success: datetime | None
    next_poll: datetime | None
    disabled_reason: str | None


async def sync_feeds(db: Database, feeds: Sequence[FeedConfig]) -> None:
    """Make the feeds table follow the config: add new feeds (due now), update the rest.

    Feeds dropped from the config are disabled, not deleted: their stories stay readable.
    Safe from several processes starting at once: a new feed is inserted unless another has
    just done so (ON CONFLICT DO NOTHING), and the rest are updates of rows, with no read
    before them whose answer another process could change.
    """
    await db.write(partial(_sync_feeds, feeds=sorted(feeds, key=lambda feed: feed.url)))


def _sync_feeds(session: Session, feeds: Sequence[FeedConfig]) -> None:
    # Rows in URL order, every process alike: two never wait on each other's rows crosswise.
    if feeds:
        rows = [_new_feed_row(feed) for feed in feeds]
        session.execute(insert_ignoring_duplicates(session, FEEDS), rows)
        session.execute(_FROM_CONFIG, [_config_values(feed) for feed in feeds])
    urls = [feed.url for feed in feeds]
    session.execute(update(FEEDS).where(FEEDS.c.url.not_in(urls)).values(enabled=False))


# A configured feed's row takes the config's values; one enabled again is due at once. (SET
# reads the row as it was: ``enabled`` there is the old value.)
_FROM_CONFIG = (
    update(FEEDS)
    .where(FEEDS.c.url == bindparam("b_url"))
    .values(
        name=bindparam("b_name"),
        source_type=bindparam("b_type"),
        language=bindparam("b_language"),
        story_context=bindparam("b_story_context"),
        next_poll_at=case(
            (and_(FEEDS.c.enabled.is_(False), bindparam("b_enabled", type_=Boolean)), null()),
            else_=FEEDS.c.next_poll_at,
        ),
        enabled=bindparam("b_enabled", type_=Boolean),
    )
)


def _config_values(feed: FeedConfig) -> dict[str, object]:
    return {
        "b_url": feed.url,
        "b_name": feed.name,
        "b_type": feed.type,
        "b_language": feed.language,
        "b_story_context": feed.story_context,
        "b_enabled": feed.enabled,
    }


def _new_feed_row(feed: FeedConfig) -> dict[str, object]:
    return {
        "url": feed.url,
        "fetch_url": feed.url,
        "name": feed.name,
        "source_type": feed.type,
        "language": feed.language,
        "enabled": feed.enabled,
        "story_context": feed.story_context,
        "last_status": FeedStatus.NEW.value,
        "error_count": 0,
        "next_poll_at": None,  # due at once
    }


async def record_poll(
    db: Database, feed_id: int, record: PollRecord, now: datetime, *, owner: str | None
) -> None:
    """Write one poll's outcome: status, validators, schedule, permanent moves; and end
    ``owner``'s claim on the feed."""
    await record_polls(db, [(feed_id, record)], now, owner=owner)


async def record_polls(
    db: Database,
    records: Sequence[tuple[int, PollRecord]],
    now: datetime,
    *,
    owner: str | None,
) -> None:
    """Write many polls' outcomes in one transaction."""
    if records:
        await db.write(partial(write_polls, records=records, now=now, owner=owner))


def write_polls(
    session: Session,
    records: Sequence[tuple[int, PollRecord]],
    now: datetime,
    *,
    owner: str | None,
) -> None:
    """``record_polls`` inside a write that is already open (run by db.write).

    The outcome is written whoever polled: it is what the publisher answered. The claim
    ends only if it is ``owner``'s (None: a poll made without one): if it ran out and
    another poller holds the feed now, that poller's claim stands until it records."""
    changes = {feed_id: _poll_values(record, now) for feed_id, record in records}
    update_by_id(session, FEEDS, changes)
    if owner is not None:
        session.execute(
            update(FEEDS)
            .where(FEEDS.c.id.in_(list(changes)), FEEDS.c.claim_owner == owner)
            .values(claim_owner=None, claim_until=None)
        )


def _poll_values(record: PollRecord, now: datetime) -> dict[str, object]:
    values: dict[str, object] = {
        "last_status": record.status.value,
        "last_http_status": record.http_status,
        "last_error": record.message,
        "last_polled_at": now,
        "error_count": record.next_poll.error_count,
        "next_poll_at": record.next_poll.at,
        "disabled_reason": record.next_poll.disabled_reason,
    }
    if record.status in (FeedStatus.OK, FeedStatus.NOT_MODIFIED):
        values["last_success_at"] = now
    if record.status is FeedStatus.OK:  # a document read whole, its entries marked seen
        values["last_parsed_at"] = now
    if record.validators is not None:
        values |= {
            "etag": record.validators.etag,
            "last_modified": record.validators.last_modified,
            "body_hash": record.validators.body_hash,
        }
    if record.moved_to:
        values["fetch_url"] = record.moved_to
    return values


async def feed_health(db: Database) -> list[FeedHealth]:
    """Every feed with its last outcome, for /feeds and the CLI."""
    async with db.sessions() as session:
        rows = (await session.scalars(select(Feed).order_by(Feed.name))).all()
    return [
        FeedHealth(
            id=row.id,
            name=row.name,
            url=row.fetch_url,
            enabled=row.enabled,
            status=row.last_status,
            http_status=row.last_http_status,
            error=row.last_error,
            error_count=row.error_count,
            last_success=row.last_success_at,
            next_poll=row.next_poll_at,
            disabled_reason=row.disabled_reason,
        )
        for row in rows
    ]
