"""Chats, their settings and subscriptions; and erasing a chat completely."""

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Delete, Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from news.config import ChatDefaults
from news.models import ChatSettings
from news.store.db import Database
from news.store.tables import Chat, Delivery, Outbox, Subscription

CHUNK = 500
# What news.delivery.periods.due_period needs to know of a chat, in its argument order.
DIGEST_SCHEDULE = (
    Chat.mode,
    Chat.digest_time,
    Chat.timezone,
    Chat.weekday,
    Chat.last_digest_period,
    Chat.created_at,
)


def digest_chats(*columns: Any) -> Select[tuple[Any, ...]]:
    """Active chats that take digests: ``columns``, then their DIGEST_SCHEDULE."""
    return select(*columns, *DIGEST_SCHEDULE).where(
        Chat.active.is_(True), Chat.mode.in_(["daily", "weekly"])
    )


SETTING_FIELDS = frozenset(
    {
        "mode",
        "digest_time",
        "timezone",
        "weekday",
        "discreet",
        "silent",
        "quiet_hours",
        "language",
        "native_digits",
    }
)
# Every table that holds rows about a chat (besides chats itself); /forget empties them all.
CHAT_TABLES: list[tuple[type, str]] = [
    (Delivery, "chat_id"),
    (Outbox, "chat_id"),
    (Subscription, "chat_id"),
]


async def ensure_chat(
    db: Database, chat_id: int, chat_type: str, defaults: ChatDefaults, now: datetime
) -> ChatSettings:
    """The chat's settings, creating the chat with the config's defaults on first contact.

    Nearly every command comes from a chat already known as it is: that is a read, and must
    not queue for the write lock behind a poll cycle's writes (a reply waited up to a second).
    """
    known = await get_chat(db, chat_id)
    if known is not None and known.active and known.type == chat_type:
        return known
    async with db.writing() as session:
        row = await session.get(Chat, chat_id)
        if row is None:
            row = Chat(
                id=chat_id,
                type=chat_type,
                mode=defaults.mode,
                digest_time=defaults.hour,
                timezone=defaults.timezone,
                weekday=defaults.weekday,
                discreet=False,
                native_digits=True,
                active=True,
                group_notice_sent=False,
                created_at=now,
            )
            session.add(row)
        elif not row.active or row.type != chat_type:
            row.active, row.inactive_reason, row.type = True, None, chat_type
            row.inactive_since = None
        return _settings(row)


async def get_chat(db: Database, chat_id: int) -> ChatSettings | None:
    """The chat's settings, or None if the bot does not know it."""
    return await db.read(partial(_get_chat, chat_id=chat_id))


def _get_chat(session: Session, *, chat_id: int) -> ChatSettings | None:
    row = session.get(Chat, chat_id)
    return None if row is None else _settings(row)


async def update_chat(db: Database, chat_id: int, **changes: object) -> ChatSettings:
    """Change settings (mode, digest_time, timezone, weekday, discreet) and return them."""
    unknown = set(changes) - SETTING_FIELDS - {"group_notice_sent"}
    if unknown:
        raise ValueError(f"not a chat setting: {', '.join(sorted(unknown))}")
    async with db.writing() as session:
        await session.execute(update(Chat).where(Chat.id == chat_id).values(**changes))
        row = await session.get(Chat, chat_id, populate_existing=True)
        if row is None:
            raise LookupError(chat_id)
        return _settings(row)


async def chat_topics(db: Database, chat_id: int) -> set[str]:
    """Slugs of the topics the chat follows."""
    query = select(Subscription.topic).where(Subscription.chat_id == chat_id)
    return await db.read(lambda session: set(session.scalars(query).all()))


async def subscribe(db: Database, chat_id: int, topics: Iterable[str], now: datetime) -> list[str]:
    """Follow ``topics`` from now on; returns those that were not followed before."""
    async with db.writing() as session:
        query = select(Subscription.topic).where(Subscription.chat_id == chat_id)
        have = set((await session.scalars(query)).all())
        added = [t for t in dict.fromkeys(topics) if t not in have]
        session.add_all(Subscription(chat_id=chat_id, topic=t, since=now) for t in added)
    return added


async def unsubscribe(db: Database, chat_id: int, topics: Iterable[str]) -> list[str]:
    """Stop following ``topics``; returns those that were followed."""
    wanted = list(dict.fromkeys(topics))
    async with db.writing() as session:
        query = select(Subscription.topic).where(
            Subscription.chat_id == chat_id, Subscription.topic.in_(wanted)
        )
        removed = list((await session.scalars(query)).all())
        await session.execute(
            delete(Subscription).where(
                Subscription.chat_id == chat_id, Subscription.topic.in_(removed)
            )
        )
    return [t for t in wanted if t in removed]


async def forget_chat(db: Database, chat_id: int) -> int:
    """Delete every row about the chat, in every table, and leave no copy of them in the
    database's files (secure delete, then a checkpoint). Returns how many rows went."""
    deleted = 0
    async with db.writing() as session:
        for table, column in CHAT_TABLES:
            deleted += await _delete(
                session, delete(table).where(getattr(table, column) == chat_id)
            )
        deleted += await _delete(session, delete(Chat).where(Chat.id == chat_id))
    await db.checkpoint()
    return deleted


async def chat_settings(session: AsyncSession, chat_ids: Sequence[int]) -> dict[int, ChatSettings]:
    """Settings of many chats at once (inside a caller's transaction)."""
    columns = [getattr(Chat, f.name) for f in fields(ChatSettings)]
    found: dict[int, ChatSettings] = {}
    for start in range(0, len(chat_ids), CHUNK):
        query = select(*columns).where(Chat.id.in_(list(chat_ids[start : start + CHUNK])))
        for row in await session.execute(query):
            found[row[0]] = ChatSettings(*row)
    return found


async def subscriptions_of(session: AsyncSession, chat_ids: Sequence[int]) -> dict[int, list[str]]:
    """The topics each of ``chat_ids`` follows."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(chat_ids), CHUNK):
        query = select(Subscription.chat_id, Subscription.topic).where(
            Subscription.chat_id.in_(list(chat_ids[start : start + CHUNK]))
        )
        for chat_id, topic in await session.execute(query):
            found.setdefault(chat_id, []).append(topic)
    return found


async def count_chat_rows(db: Database, chat_id: int) -> int:
    """Rows anywhere that belong to the chat (zero after /forget)."""
    total = 0
    async with db.sessions() as session:
        for table, column in [*CHAT_TABLES, (Chat, "id")]:
            query = (
                select(func.count()).select_from(table).where(getattr(table, column) == chat_id)
            )
            total += int(await session.scalar(query) or 0)
    return total


async def _delete(session: AsyncSession, statement: Delete) -> int:
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _settings(row: Chat) -> ChatSettings:
    names = {f.name for f in fields(ChatSettings)}
    return ChatSettings(**{name: getattr(row, name) for name in names})
