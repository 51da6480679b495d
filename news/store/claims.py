"""The sender's side of the outbox: due rows leased one per chat, then settled.

A leased row is ``sending`` until its lease ends; if the sender dies, the row returns to the
queue. Most leased rows were still waiting for their slot and are simply sent later; only a
row whose request Telegram had received, and whose answer was not yet recorded, is sent
twice. Telegram has no idempotency key, so that window (the messages in flight, one per
chat) is the least a sender that never drops a message can leave. Every outcome (sent,
retry later, failed, sent again as plain text, a part of a row too long for one message
sent) is settled in a transaction of its own.
"""

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Executable, func, select, update
from sqlalchemy.orm import Session

from news.store.db import Database
from news.store.outbox import FAILED, OUTBOX, PENDING, SENDING, SENT
from news.store.tables import Chat, Outbox


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row a sender has leased and must settle."""

    id: int
    chat_id: int
    chat_type: str
    text: str
    is_html: bool
    attempts: int
    silent: bool = False  # the chat asked for pushes without sound


async def claim_due(
    db: Database,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    busy: set[int],
    page: int = 0,
) -> list[Claimed]:
    """Lease up to ``limit`` due rows, the oldest per chat, skipping ``busy`` chats.

    One row per chat keeps a chat's messages in order and at most one of them in flight.
    (On PostgreSQL several senders could share the outbox: FOR UPDATE SKIP LOCKED.) Due
    rows are read oldest first, ``page`` at a time (0: as many as a claim this size
    usually needs), until enough chats are found.
    """
    page = page or 2 * (limit + len(busy)) + 16
    return await db.write(
        partial(_claim, now=now, limit=limit, lease=lease, busy=frozenset(busy), page=page)
    )


def _claim(
    session: Session,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    busy: frozenset[int],
    page: int,
) -> list[Claimed]:
    ids = _oldest_due_per_chat(session, now, limit=limit, busy=busy, page=page)
    if not ids:
        return []
    query = (
        select(
            Outbox.id,
            Outbox.chat_id,
            Chat.type,
            Outbox.text,
            Outbox.is_html,
            Outbox.attempts,
            Chat.silent,
        )
        .join(Chat, Chat.id == Outbox.chat_id)
        .where(Outbox.id.in_(ids))
        .order_by(Outbox.id)
        .with_for_update(skip_locked=True)
    )
    claimed = [Claimed(*row) for row in session.execute(query)]
    if claimed:
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_([row.id for row in claimed]))
            .values(state=SENDING, lease_until=now + lease)
        )
    return claimed


def _oldest_due_per_chat(
    session: Session, now: datetime, *, limit: int, busy: frozenset[int], page: int
) -> list[int]:
    """The ids ``claim_due`` leases, read a page at a time rather than grouping every due
    row: a broadcast leaves thousands due, and a claim is made for every few sends.

    Due rows are pending ones whose time has come (read in id order, ``ix_outbox_open``)
    and rows whose lease ran out (few: at most what was in flight when a sender stopped).
    """
    expired = (
        select(Outbox.id, Outbox.chat_id)
        .where(Outbox.state == SENDING, Outbox.lease_until < now)
        .order_by(Outbox.id)
    )
    rows: list[tuple[int, int]] = [(i, c) for i, c in session.execute(expired)]
    after = 0
    while True:
        pending = (
            select(Outbox.id, Outbox.chat_id)
            .where(Outbox.state == PENDING, Outbox.id > after, Outbox.next_attempt_at <= now)
            .order_by(Outbox.id)
            .limit(page)
        )
        read = [(i, c) for i, c in session.execute(pending)]
        rows += read
        if len(read) < page:  # every due row is in ``rows``
            return oldest_per_chat(rows, busy, limit)
        after = read[-1][0]  # every due row up to ``after`` is in ``rows``
        ids = oldest_per_chat([r for r in rows if r[0] <= after], busy, limit)
        if len(ids) == limit:
            return ids


def oldest_per_chat(
    rows: Iterable[tuple[int, int]], busy: Container[int], limit: int
) -> list[int]:
    """Of (id, chat) rows, each chat's oldest (lowest id), busy chats left out: the ``limit``
    oldest of those, oldest first."""
    chosen: dict[int, int] = {}
    for row_id, chat in sorted(rows):
        if chat not in busy and chat not in chosen:
            chosen[chat] = row_id
            if len(chosen) == limit:
                break
    return list(chosen.values())


async def mark_sent(db: Database, outbox_id: int, message_id: int, now: datetime) -> None:
    """Telegram accepted the message: record its id."""
    await _settle(db, outbox_id, state=SENT, message_id=message_id, sent_at=now, lease_until=None)


async def retry_later(
    db: Database, outbox_id: int, when: datetime, error: str, *, counts: bool = True
) -> None:
    """Back to the queue until ``when``; ``counts`` adds an attempt (a 429 does not)."""
    values: dict[str, object] = {
        "state": PENDING,
        "next_attempt_at": when,
        "error": error,
        "lease_until": None,
    }
    if counts:
        values["attempts"] = Outbox.attempts + 1
    await _settle(db, outbox_id, **values)


async def mark_failed(db: Database, outbox_id: int, error: str) -> None:
    """Give up on this row for good; it shows in /stats."""
    await _settle(
        db, outbox_id, state=FAILED, error=error, lease_until=None, attempts=Outbox.attempts + 1
    )


async def use_plain_text(db: Database, outbox_id: int, text: str) -> None:
    """Telegram refused the HTML: send the same words as plain text next."""
    await _settle(db, outbox_id, state=PENDING, text=text, is_html=False, lease_until=None)


async def keep_rest(db: Database, outbox_id: int, rest: str, lease_until: datetime) -> None:
    """Telegram refused the row as too long, and the sender sends it in parts: one went,
    and the row now holds the rest, still leased. The row keeps its place in the chat's
    queue and its stories; a crash repeats at most the part in flight, as for any row."""
    await _settle(
        db, outbox_id, text=rest, lease_until=lease_until, error="too long: sent in parts"
    )


async def _settle(db: Database, outbox_id: int, **values: object) -> None:
    # One trip to the writer, and the table rather than the ORM class: a third of the cost.
    statement = update(OUTBOX).where(OUTBOX.c.id == outbox_id).values(**values)
    await db.write(partial(_execute, statement=statement))


def _execute(session: Session, statement: Executable) -> None:
    session.execute(statement)


async def release_leases(db: Database) -> int:
    """At start-up of the only sender: rows a killed process left ``sending`` go back."""
    async with db.writing() as session:
        result = await session.execute(
            update(Outbox).where(Outbox.state == SENDING).values(state=PENDING, lease_until=None)
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def next_due(db: Database) -> datetime | None:
    """When the earliest pending row becomes due (None if nothing waits)."""
    query = select(func.min(Outbox.next_attempt_at)).where(Outbox.state == PENDING)
    async with db.sessions() as session:
        return await session.scalar(query)
