"""Aggregate counts for admins. Counts only: never which chat follows what."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from news.store.db import Database
from news.store.outbox import outbox_counts
from news.store.tables import Chat, Story, Subscription


@dataclass(frozen=True, slots=True)
class Stats:
    """What /stats shows."""

    chats_by_type: dict[str, int]
    inactive_chats: int
    subscriptions: dict[str, int]
    stories_last_day: int
    outbox: dict[str, int] = field(default_factory=dict)


async def gather_stats(db: Database, now: datetime) -> Stats:
    """Counts of chats, subscriptions per topic and recent stories."""
    async with db.sessions() as session:
        by_type = await session.execute(
            select(Chat.type, func.count()).where(Chat.active.is_(True)).group_by(Chat.type)
        )
        inactive = await session.scalar(
            select(func.count()).select_from(Chat).where(Chat.active.is_(False))
        )
        per_topic = await session.execute(
            select(Subscription.topic, func.count())
            .join(Chat, Chat.id == Subscription.chat_id)
            .where(Chat.active.is_(True))
            .group_by(Subscription.topic)
        )
        stories = await session.scalar(
            select(func.count())
            .select_from(Story)
            .where(Story.first_seen_at >= now - timedelta(days=1))
        )
        found = Stats(
            chats_by_type=dict(by_type.all()),
            inactive_chats=int(inactive or 0),
            subscriptions=dict(per_topic.all()),
            stories_last_day=int(stories or 0),
        )
    found.outbox.update(await outbox_counts(db, now - timedelta(days=1)))
    return found
