"""The sender's side of the outbox: due rows leased one per chat, then settled.

A leased row is ``sending`` until its lease ends, and names the sender holding it; if the
sender dies, the row returns to the queue. Most leased rows were still waiting for their slot
and are simply sent later; only a row whose request Telegram had received, and whose answer
was not yet recorded, is sent twice. Telegram has no idempotency key, so that window (the
messages in flight, one per chat) is the least a sender that never drops a message can leave.
Every outcome (sent, retry later, failed, sent again as plain text, a part of a row too long
for one message sent) is settled in a transaction of its own, by the sender holding the row
and no other.

On PostgreSQL several senders may share the outbox: a claim locks the rows it leases (``FOR
UPDATE SKIP LOCKED``) and checks again, under the lock, that each is still due. A SQLite file
takes one sender: ``sole_sender`` refuses a second one.
"""

import logging
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import ColumnElement, Update, and_, func, or_, select, update
from sqlalchemy.orm import Session

from news.store.db import Database
from news.store.outbox import FAILED, OUTBOX, PENDING, SENDING, SENT
from news.store.sqlite import FileLockedError, file_lock
from news.store.tables import Chat, Outbox

log = logging.getLogger(__name__)


class OutboxBusyError(Exception):
    """Another sender is sending from this SQLite file."""


@contextmanager
def sole_sender(db: Database) -> Iterator[bool]:
    """While a sender runs: whether it is the only one there can be. On a SQLite file it
    holds a lock beside the file (``OutboxBusyError`` if another sender has it), and is;
    on PostgreSQL others may send too, and it is not."""
    if db.engine.dialect.name != "sqlite":
        yield False
    elif db.file is None:  # in memory: no other process can open it
        yield True
    else:
        try:
            with file_lock(db.file, "sender", wait=False):
                yield True
        except FileLockedError:
            raise OutboxBusyError(str(db.file)) from None


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
    owner: str,
    limit: int,
    lease: timedelta,
    busy: set[int],
    page: int = 0,
) -> list[Claimed]:
    """Lease up to ``limit`` due rows to ``owner``, the oldest per chat, skipping ``busy``
    chats and chats another sender has a message in flight to.

    One row per chat keeps a chat's messages in order and at most one of them in flight.
    Due rows are read oldest first, ``page`` at a time (0: as many as a claim this size
    usually needs), until enough chats are found.
    """
    page = page or 2 * (limit + len(busy)) + 16
    claim = partial(_claim, now=now, owner=owner, limit=limit, lease=lease, page=page)
    return await db.write(partial(claim, busy=frozenset(busy)))


def _claim(
    session: Session,
    *,
    now: datetime,
    owner: str,
    limit: int,
    lease: timedelta,
    busy: frozenset[int],
    page: int,
) -> list[Claimed]:
    busy |= _in_flight(session, now)
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
        # Again under the lock: another sender may have leased (or even settled) a row
        # since it was read. PostgreSQL checks a row that changed meanwhile as it is now.
        .where(Outbox.id.in_(ids), _is_due(now))
        .order_by(Outbox.id)
        .with_for_update(skip_locked=True, of=Outbox)
    )
    claimed = [Claimed(*row) for row in session.execute(query)]
    if claimed:
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_([row.id for row in claimed]))
            .values(state=SENDING, lease_until=now + lease, lease_owner=owner)
        )
    return claimed


def _is_due(now: datetime) -> ColumnElement[bool]:
    """Pending and its time has come, or leased and the lease ran out."""
    return or_(
        and_(Outbox.state == PENDING, Outbox.next_attempt_at <= now),
        and_(Outbox.state == SENDING, Outbox.lease_until < now),
    )


def _in_flight(session: Session, now: datetime) -> frozenset[int]:
    """Chats with a message out under a live lease (another sender's: ours are ``busy``).
    Few rows: what the senders have in flight."""
    query = select(Outbox.chat_id).where(Outbox.state == SENDING, Outbox.lease_until >= now)
    return frozenset(session.scalars(query.distinct()))


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


async def mark_sent(
    db: Database, outbox_id: int, message_id: int, now: datetime, *, owner: str
) -> bool:
    """Telegram accepted the message: record its id."""
    values: dict[str, object] = {"state": SENT, "message_id": message_id, "sent_at": now}
    return await _settle(db, outbox_id, owner, values)


async def retry_later(
    db: Database, outbox_id: int, when: datetime, error: str, *, owner: str, counts: bool = True
) -> bool:
    """Back to the queue until ``when``; ``counts`` adds an attempt (a 429 does not)."""
    values: dict[str, object] = {"state": PENDING, "next_attempt_at": when, "error": error}
    if counts:
        values["attempts"] = Outbox.attempts + 1
    return await _settle(db, outbox_id, owner, values)


async def mark_failed(db: Database, outbox_id: int, error: str, *, owner: str) -> bool:
    """Give up on this row for good; it shows in /stats."""
    values: dict[str, object] = {"state": FAILED, "error": error}
    values["attempts"] = Outbox.attempts + 1
    return await _settle(db, outbox_id, owner, values)


async def use_plain_text(db: Database, outbox_id: int, text: str, *, owner: str) -> bool:
    """Telegram refused the HTML: send the same words as plain text next."""
    values: dict[str, object] = {"state": PENDING, "text": text, "is_html": False}
    return await _settle(db, outbox_id, owner, values)


async def keep_rest(
    db: Database, outbox_id: int, rest: str, lease_until: datetime, *, owner: str
) -> bool:
    """Telegram refused the row as too long, and the sender sends it in parts: one went,
    and the row now holds the rest, still leased to ``owner``. The row keeps its place in the
    chat's queue and its stories; a crash repeats at most the part in flight, as for any row."""
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id == outbox_id, OUTBOX.c.state == SENDING)
        .where(OUTBOX.c.lease_owner == owner)
        .values(text=rest, lease_until=lease_until, error="too long: sent in parts")
    )
    return await db.write(partial(_execute, statement=statement)) == 1


async def _settle(db: Database, outbox_id: int, owner: str, values: dict[str, object]) -> bool:
    """Settle a row ``owner`` still holds; False (and nothing changes) if it does not: its
    lease ran out and another sender took it, or its chat was closed meanwhile."""
    # The table rather than the ORM class: a third of the cost.
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id == outbox_id, OUTBOX.c.state == SENDING)
        .where(OUTBOX.c.lease_owner == owner)
        .values(values | {"lease_until": None, "lease_owner": None})
    )
    settled = await db.write(partial(_execute, statement=statement)) == 1
    if not settled:
        log.warning("outbox row %d was no longer this sender's: not settled", outbox_id)
    return settled


def _execute(session: Session, statement: Update) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


async def release_leases(db: Database, now: datetime, *, every: bool = False) -> int:
    """At a sender's start: rows whose lease ran out go back to the queue. ``every`` takes
    back live leases too, for the only sender there can be (``sole_sender``): whoever held
    them was killed."""
    leased = Outbox.state == SENDING
    query = update(Outbox).where(leased if every else and_(leased, Outbox.lease_until < now))
    async with db.writing() as session:
        result = await session.execute(
            query.values(state=PENDING, lease_until=None, lease_owner=None)
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def next_due(db: Database) -> datetime | None:
    """When the earliest pending row becomes due (None if nothing waits)."""
    query = select(func.min(Outbox.next_attempt_at)).where(Outbox.state == PENDING)
    async with db.sessions() as session:
        return await session.scalar(query)
