"""Reading a database as another process would: its own connection, no ORM, any backend."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    """The rows of one query. Blocking, and callable from inside a running event loop (the
    query runs on a loop of its own, on a thread of its own): for predicates that tests poll."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _read(url, query)).result()


async def _read(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(query))]
    finally:
        await engine.dispose()


def unrecorded_deliveries(url: str, delivered: set[int]) -> int:
    """Of the chats Telegram has a message for, those whose outbox row is not yet ``sent``:
    the messages in flight when a sender was killed, read as the kill left the database.
    One a chat at most (a sender has one message in flight per chat)."""
    pending = rows(url, "SELECT chat_id FROM outbox WHERE state != 'sent'")
    return len(delivered & {int(str(chat)) for (chat,) in pending})
