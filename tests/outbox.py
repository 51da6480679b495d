"""Shared set-up for delivery tests and benchmarks: many chats, a story, a running sender."""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, insert, select, update
from telegram import Bot

from bot.sender import Sender
from news.config import DeliveryConfig
from news.store.db import Database
from news.store.tables import Chat, Feed, Outbox, Subscription
from tests.fakes.telegram import FakeTelegram


async def add_chats(
    db: Database,
    chat_ids: Iterable[int],
    *,
    topic: str,
    since: datetime,
    mode: str = "instant",
    chat_type: str = "private",
    digest_time: str = "08:00",
    timezone: str = "Asia/Phnom_Penh",
) -> list[int]:
    """Insert chats following ``topic`` in bulk (the bot would do it one /start at a time)."""
    ids = list(chat_ids)
    chats = [
        {
            "id": chat_id,
            "type": chat_type,
            "mode": mode,
            "digest_time": digest_time,
            "timezone": timezone,
            "weekday": "mon",
            "discreet": False,
            "active": True,
            "group_notice_sent": True,
            "created_at": since,
        }
        for chat_id in ids
    ]
    async with db.writing() as session:
        for start in range(0, len(chats), 500):
            await session.execute(insert(Chat), chats[start : start + 500])
        subscriptions = [{"chat_id": c, "topic": topic, "since": since} for c in ids]
        for start in range(0, len(subscriptions), 500):
            await session.execute(insert(Subscription), subscriptions[start : start + 500])
    return ids


async def queue_messages(db: Database, chat_ids: Iterable[int], at: datetime, per_chat: int = 1):
    """``per_chat`` alerts due at ``at`` for each chat, queued as a fan-out would (in bulk)."""
    rows = [
        {
            "chat_id": chat,
            "kind": "alert",
            "part": 0,
            "text": f"Story {n} for chat {chat}",
            "stories": "1",
            "is_html": True,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": at,
            "created_at": at,
        }
        for n in range(per_chat)
        for chat in chat_ids
    ]
    async with db.writing() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(insert(Outbox), rows[start : start + 1000])


async def feeds_read_before(db: Database, at: datetime) -> None:
    """As if every configured feed had been read at ``at``: what the next poll brings is news.

    A feed's first read is its backlog, stored but never pushed; a test of a running bot
    starts after it."""
    async with db.writing() as session:
        await session.execute(update(Feed).values(last_success_at=at))


async def outbox_states(db: Database) -> dict[str, int]:
    """How many outbox rows are in each state."""
    query = select(Outbox.state, func.count()).group_by(Outbox.state)
    async with db.sessions() as session:
        return {str(state): int(n) for state, n in (await session.execute(query)).all()}


class BotApi(Protocol):
    """Where a Bot API answers: the stand-in, here or in a process of its own (bench/)."""

    @property
    def token(self) -> str: ...

    @property
    def base_url(self) -> str: ...


@contextlib.asynccontextmanager
async def running_sender(
    db: Database, tg: BotApi, config: DeliveryConfig
) -> AsyncIterator[Sender]:
    """A Sender with a real PTB Bot talking to the stand-in, stopped at the end."""
    async with Bot(tg.token, base_url=f"{tg.base_url}/bot") as bot:
        sender = Sender(db, bot, config)
        await sender.start()  # as the bot does: a refused sender fails here
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        try:
            yield sender
        finally:
            stop.set()
            await task


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """What the bot does once started (bot/telegram_app.serve): keep the objects that live
    on out of the garbage collector's scans. Here that is everything earlier tests left: a
    long collection pauses this process, the stand-in's thread with it, and requests waiting
    out the pause reach its strict rate windows bunched, as a real server never sees them."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def eventually(predicate: Callable[[], Awaitable[bool]], *, within: float = 5.0) -> None:
    """Wait for a condition on the database, checking it every few milliseconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.005)  # a polling interval, not a timing assumption


def received(tg: FakeTelegram, chat_id: int) -> list[str]:
    """Texts of the messages a chat received."""
    return [r.text for r in tg.sent(chat_id) if r.method == "sendMessage"]
