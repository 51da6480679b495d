"""The outbox: what to send to whom, and what becomes of chats that are gone or moved.

The sender claims and settles rows in ``news.store.claims``. Enqueueing and settling are
separate transactions; the uniqueness of ``deliveries`` (chat, story) and of ``outbox``
(chat, period, part) makes a double send of a story or a second digest for a period
impossible at the database level, whatever the jobs do.
"""

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Select, Table, case, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from news.delivery.plan import NewMessage
from news.store.bulk import insert_ignoring_duplicates
from news.store.db import Database
from news.store.tables import Base, Chat, Delivery, Outbox, Story, StoryTopic, Subscription

log = logging.getLogger(__name__)
CHUNK = 500
OUTBOX = Base.metadata.tables["outbox"]
DELIVERIES = Base.metadata.tables["deliveries"]
PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
OPEN = (PENDING, SENDING)


def _owed(
    modes: Sequence[str],
    since: datetime,
    context_deadline: datetime | None,
    news_since: Mapping[str, datetime],
) -> Select[int, int, datetime]:
    """(chat, story, first match) pairs a chat should get and has not: matched to a topic it
    followed at the time, after ``since``, not waiting for its context link past the deadline
    (with none, for digests, nothing waits: a story goes with its item link), news
    (``Story.news_at``) after its chat mode's cut-off in ``news_since``, and not backlog from a
    feed's first read. An item a feed adds with a date from 2019 is old news: /latest lists it,
    nothing pushes it."""
    fresh = case(news_since, value=Chat.mode, else_=max(news_since.values()))
    settled = (
        []
        if context_deadline is None
        else [or_(Story.needs_context.is_(False), Story.first_seen_at < context_deadline)]
    )
    return (
        select(Subscription.chat_id, StoryTopic.story_id, func.min(StoryTopic.matched_at))
        .join(Chat, Chat.id == Subscription.chat_id)
        .join(StoryTopic, StoryTopic.topic == Subscription.topic)
        .join(Story, Story.id == StoryTopic.story_id)
        .where(
            Chat.active.is_(True),
            Chat.mode.in_(list(modes)),
            StoryTopic.matched_at >= Subscription.since,
            StoryTopic.matched_at >= since,
            StoryTopic.announce.is_(True),
            Story.news_at >= fresh,
            *settled,
            ~exists().where(
                Delivery.chat_id == Subscription.chat_id, Delivery.story_id == StoryTopic.story_id
            ),
        )
        .group_by(Subscription.chat_id, StoryTopic.story_id)
    )


async def undelivered(
    session: AsyncSession,
    *,
    modes: Sequence[str],
    since: datetime,
    context_deadline: datetime | None,
    news_since: Mapping[str, datetime],
    chat_ids: Sequence[int] | None = None,
) -> list[tuple[int, int, datetime]]:
    """The owed (chat, story, first match) pairs; see ``_owed``."""
    query = _owed(modes, since, context_deadline, news_since).order_by(
        Subscription.chat_id, StoryTopic.story_id
    )
    if chat_ids is not None:
        query = query.where(Subscription.chat_id.in_(list(chat_ids)))
    return [(chat, story, matched) for chat, story, matched in await session.execute(query)]


async def owed_chats(
    session: AsyncSession,
    *,
    modes: Sequence[str],
    since: datetime,
    context_deadline: datetime,
    news_since: Mapping[str, datetime],
) -> list[int]:
    """The chats owed at least one story, without loading the pairs themselves."""
    owed = _owed(modes, since, context_deadline, news_since).subquery()
    query = select(owed.c.chat_id).distinct().order_by(owed.c.chat_id)
    return list(await session.scalars(query))


async def pending_alerts(
    session: AsyncSession, chat_ids: Sequence[int]
) -> dict[int, list[tuple[int, list[int]]]]:
    """Per chat, its unsent alerts: (outbox id, story ids)."""
    found: dict[int, list[tuple[int, list[int]]]] = {}
    for start in range(0, len(chat_ids), CHUNK):
        query = (
            select(Outbox.chat_id, Outbox.id, Outbox.stories)
            .where(Outbox.chat_id.in_(list(chat_ids[start : start + CHUNK])))
            .where(Outbox.state == PENDING, Outbox.kind == "alert")
            .order_by(Outbox.id)
        )
        for chat_id, outbox_id, stories in await session.execute(query):
            found.setdefault(chat_id, []).append((outbox_id, _ids(stories)))
    return found


async def add_messages(
    session: AsyncSession, messages: Sequence[NewMessage], now: datetime
) -> None:
    """Insert outbox rows and record their stories as delivered to the chat.

    The unique keys are the guard, each insert ``ON CONFLICT DO NOTHING``: a chat any of whose
    rows another scheduler got to first (a leader change mid-tick) gets none of these, and the
    stories recorded for it are given back. So nothing is doubled or lost, and no error is
    raised. Core statements on the tables: the ORM's bulk path costs seconds at 10,000 digests.
    """
    if not messages:
        return
    deliveries = [
        {"chat_id": m.chat_id, "story_id": story, "created_at": now}
        for m in messages
        for story in m.story_ids
    ]
    won = await _inserted(session, DELIVERIES, deliveries, DELIVERIES.c.chat_id, "story_id")
    lost = {m.chat_id for m in messages for s in m.story_ids if (m.chat_id, s) not in won}
    kept = [m for m in messages if m.chat_id not in lost]
    rows = [_outbox_row(m, now) for m in kept]
    added = await _inserted(session, OUTBOX, rows, OUTBOX.c.chat_id, "period", "part")
    lost |= {m.chat_id for m in kept if (m.chat_id, m.period, m.part) not in added}
    if lost:
        log.info("another scheduler enqueued for %d chat(s) meanwhile: left to it", len(lost))
        await _give_back(session, [m for m in messages if m.chat_id in lost], won, added)


def _outbox_row(m: NewMessage, now: datetime) -> dict[str, object]:
    return {
        "chat_id": m.chat_id,
        "kind": m.kind,
        "period": m.period,
        "part": m.part,
        "text": m.text,
        "stories": ",".join(map(str, m.story_ids)),
        "is_html": True,
        "state": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


async def _inserted(
    session: AsyncSession, table: Table, rows: list[dict[str, object]], *key: Column[Any] | str
) -> set[tuple[object, ...]]:
    """Insert ``rows``, skipping those a unique key already holds: the keys of those inserted."""
    if not rows:
        return set()
    columns = [table.c[k] if isinstance(k, str) else k for k in key]
    statement = insert_ignoring_duplicates(session, table).returning(*columns)
    return {tuple(row) for row in await session.execute(statement, rows)}


async def _give_back(
    session: AsyncSession,
    messages: Sequence[NewMessage],
    won: set[tuple[object, ...]],
    added: set[tuple[object, ...]],
) -> None:
    """Undo what these messages inserted: their rows, and their stories' delivery records."""
    for m in messages:
        # Only a digest's row can be there: an alert (no period) is never kept out by a key.
        if m.period is not None and (m.chat_id, m.period, m.part) in added:
            await session.execute(
                delete(Outbox).where(
                    Outbox.chat_id == m.chat_id, Outbox.period == m.period, Outbox.part == m.part
                )
            )
        ours = [s for s in m.story_ids if (m.chat_id, s) in won]
        if ours:
            await session.execute(
                delete(Delivery).where(Delivery.chat_id == m.chat_id, Delivery.story_id.in_(ours))
            )


async def replace_alerts(
    session: AsyncSession,
    replaced: Sequence[tuple[int, int, Sequence[int]]],
    messages: Sequence[NewMessage],
    now: datetime,
) -> None:
    """Add ``messages``; ``replaced`` (outbox id, chat, stories) alerts merged into a batch are
    cancelled and their stories handed to the batch. A chat with an alert another scheduler
    cancelled first (or the sender took) is left as it is: that one planned it."""
    if replaced:
        cancelled = set(
            await session.scalars(
                update(Outbox)
                .where(Outbox.id.in_([outbox_id for outbox_id, _, _ in replaced]))
                .where(Outbox.state == PENDING)
                .values(state=CANCELLED, error="merged into a batch")
                .returning(Outbox.id)
            )
        )
        taken = {chat_id for outbox_id, chat_id, _ in replaced if outbox_id not in cancelled}
        if taken:
            await session.execute(
                update(Outbox)
                .where(Outbox.id.in_(cancelled), Outbox.chat_id.in_(taken))
                .values(state=PENDING, error=None)
            )
            messages = [m for m in messages if m.chat_id not in taken]
        for _, chat_id, stories in replaced:
            if chat_id not in taken:
                await session.execute(
                    delete(Delivery).where(
                        Delivery.chat_id == chat_id, Delivery.story_id.in_(list(stories))
                    )
                )
    await add_messages(session, messages, now)


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


async def close_chat(db: Database, chat_id: int, reason: str, now: datetime) -> int:
    """The chat is gone (blocked us, kicked us, deleted): stop, and close its open rows."""
    async with db.writing() as session:
        await session.execute(
            update(Chat)
            .where(Chat.id == chat_id)
            .values(active=False, inactive_reason=reason[:200], inactive_since=now)
        )
        result = await session.execute(
            update(Outbox)
            .where(Outbox.chat_id == chat_id, Outbox.state.in_(OPEN))
            .values(state=CANCELLED, error=reason, lease_until=None, lease_owner=None)
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def migrate_chat(db: Database, old_id: int, new_id: int) -> None:
    """A group became a supergroup: its rows follow it to the new chat id."""
    async with db.writing() as session:
        if await session.get(Chat, new_id) is None:
            await session.execute(
                update(Chat).where(Chat.id == old_id).values(id=new_id, type="supergroup")
            )
            return
        # Both ids are known: move what is still to be sent, then drop the old chat.
        await session.execute(
            update(Outbox)
            .where(Outbox.chat_id == old_id, Outbox.state.in_(OPEN))
            .values(chat_id=new_id, period=None)
        )
        await session.execute(delete(Chat).where(Chat.id == old_id))


async def outbox_counts(db: Database, since: datetime) -> dict[str, int]:
    """Rows per state: every open or failed row, and what was sent or cancelled since."""
    query = (
        select(Outbox.state, func.count())
        .where(or_(Outbox.state.in_([*OPEN, FAILED]), Outbox.created_at >= since))
        .group_by(Outbox.state)
    )
    async with db.sessions() as session:
        return {str(state): int(n) for state, n in (await session.execute(query)).all()}


async def purge_delivered(db: Database, now: datetime) -> None:
    """Retention: settled messages after 7 days, the delivery record after 30, chats gone
    for 30 days entirely."""
    async with db.writing() as session:
        await session.execute(
            delete(Outbox).where(
                Outbox.state.in_([SENT, FAILED, CANCELLED]),
                Outbox.created_at < now - timedelta(days=7),
            )
        )
        await session.execute(
            delete(Delivery).where(Delivery.created_at < now - timedelta(days=30))
        )
        await session.execute(
            delete(Chat).where(
                Chat.active.is_(False), Chat.inactive_since < now - timedelta(days=30)
            )
        )
