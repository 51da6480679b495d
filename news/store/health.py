"""What a health check and a metrics scrape read from the database: counts and ages only."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from news.delivery.periods import due_period
from news.store.chats import digest_chats
from news.store.db import Database
from news.store.outbox import PENDING
from news.store.tables import Feed, Outbox, Story


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The database's side of the bot's health."""

    feeds_by_status: dict[str, int]
    outbox_by_state: dict[str, int]
    stories: int
    last_poll_success: datetime | None  # the newest successful read of any enabled feed
    oldest_due: datetime | None  # the oldest pending message already due: the sender's lag
    oldest_due_digest: datetime | None = None  # when the oldest digest not yet enqueued fell due


async def snapshot(db: Database, now: datetime) -> Snapshot:
    """One read: a few aggregate queries, each on an index or a small table."""

    def read(session: Session) -> Snapshot:
        session.execute(text("SELECT 1"))
        enabled = Feed.enabled.is_(True)
        feeds = select(Feed.last_status, func.count()).where(enabled).group_by(Feed.last_status)
        outbox = select(Outbox.state, func.count()).group_by(Outbox.state)
        due = Outbox.state == PENDING, Outbox.next_attempt_at <= now
        return Snapshot(
            feeds_by_status={str(s): int(n) for s, n in session.execute(feeds)},
            outbox_by_state={str(s): int(n) for s, n in session.execute(outbox)},
            stories=int(session.scalar(select(func.count()).select_from(Story)) or 0),
            last_poll_success=session.scalar(
                select(func.max(Feed.last_success_at)).where(enabled)
            ),
            oldest_due=session.scalar(select(func.min(Outbox.next_attempt_at)).where(*due)),
            oldest_due_digest=_oldest_due_digest(session, now),
        )

    return await db.read(read)


def _oldest_due_digest(session: Session, now: datetime) -> datetime | None:
    """When the oldest digest that is due and not yet enqueued fell due: the schedule
    leader's lag (a digest tick enqueues every due one, so this stays within a minute)."""
    due = [
        due_period(mode, time, zone, weekday, last, created, now)
        for mode, time, zone, weekday, last, created in session.execute(digest_chats())
    ]
    return min((period.due_at for period in due if period is not None), default=None)
