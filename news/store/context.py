"""Stories waiting for their story-in-context link, and the cache of resolved links."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from news.models import ContextResult
from news.store.db import Database
from news.store.tables import ContextLink, Entry, Feed, Story

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class PendingContext:
    """A story whose item URL still needs resolving, and any cached answer for it."""

    story_id: int
    item_url: str
    cached: str | None
    attempts: int
    feed_url: str  # the configured URL of the feed that carried the item: its origin


async def pending_contexts(db: Database, now: datetime, *, limit: int) -> list[PendingContext]:
    """Stories flagged ``needs_context`` that are due for a (first or next) attempt, with the
    item URL of the feed that asked for the lookup."""
    query = (
        select(
            Story.id,
            Entry.url,
            ContextLink.context_url,
            ContextLink.attempts,
            ContextLink.checked_at,
            Feed.url,
        )
        .join(Entry, Entry.story_id == Story.id)
        .join(Feed, (Feed.id == Entry.feed_id) & Feed.story_context.is_(True))
        .outerjoin(ContextLink, ContextLink.item_url == Entry.url)
        .where(Story.needs_context.is_(True), Entry.url.is_not(None))
        .order_by(Story.first_seen_at)
        .limit(limit * 4)
    )
    async with db.sessions() as session:
        rows = (await session.execute(query)).all()
    pending: dict[int, PendingContext] = {}
    for story_id, url, cached, attempts, checked, feed_url in rows:
        waiting = checked is not None and cached is None and checked > now - RETRY_AFTER * attempts
        if url is not None and not waiting and story_id not in pending:
            pending[story_id] = PendingContext(story_id, url, cached, attempts or 0, feed_url)
    return list(pending.values())[:limit]


async def record_context(
    db: Database, pending: PendingContext, result: ContextResult, now: datetime
) -> None:
    """Store the answer in the cache and on the story; give up after a few failed tries."""
    attempts = pending.attempts + 1
    done = (
        result.context_url is not None
        or attempts >= MAX_ATTEMPTS
        or result.error is None
        or not result.retry
    )
    async with db.writing() as session:
        link = await session.get(ContextLink, pending.item_url)
        if link is None:
            link = ContextLink(item_url=pending.item_url, attempts=0, checked_at=now)
            session.add(link)
        link.context_url, link.error = result.context_url, result.error
        link.attempts, link.checked_at = attempts, now
        if done:
            await session.execute(
                update(Story)
                .where(Story.id == pending.story_id)
                .values(context_url=result.context_url, needs_context=False)
            )


async def use_cached_contexts(db: Database, pending: Sequence[PendingContext]) -> int:
    """Apply cached answers without fetching; returns how many stories were settled."""
    settled = [p for p in pending if p.cached]
    async with db.writing() as session:
        for item in settled:
            await session.execute(
                update(Story)
                .where(Story.id == item.story_id)
                .values(context_url=item.cached, needs_context=False)
            )
    return len(settled)
