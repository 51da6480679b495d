"""One leader per role: a lease row per role that its holder renews and others take once expired.

A row rather than a PostgreSQL advisory lock: the same SQL on SQLite and PostgreSQL, so one
code path and one set of tests; an expiry that both sides can reason about (an advisory lock
is let go only when the server notices its connection is dead, which a holder cut off from the
server cannot know); and nothing held open between statements, so a pool can recycle its
connections. The price is that a standby on another host takes over only once the lease has
run out, not the moment the holder dies: keep the lease short (``[roles] lease``, 15 s by
default).

The row also names its holder's process (``Holder``: host, pid, start). A process on the same
host can see whether that process still lives, so one restarted after a kill -9 takes its
predecessor's lease at once (``take_from``) rather than answering nothing for a lease; a live
holder, or one on another host, is never displaced before expiry.

Each statement is one atomic upsert: insert the row, or update it if this owner holds it, its
lease ran out, or it is still held by the dead owner named in ``take_from`` (checked in the
same statement, so a lease renewed or taken meanwhile is left alone). It runs on a connection
of its own, outside ``Database.write``'s queue: a renewal must not wait behind this process's
bulk writes.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from news.store.db import Database
from news.store.tables import Base

LEADERS = Base.metadata.tables["leaders"]


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a lease: a random ``owner`` per lease keeper, and its process."""

    owner: str
    host: str = ""
    pid: int = 0
    started: str = ""  # tells the process from a later one given the same pid; "" unknown


async def hold_lead(
    db: Database,
    role: str,
    holder: Holder | str,
    now: datetime,
    lease: timedelta,
    *,
    take_from: str | None = None,
) -> bool:
    """Take ``role``'s lease, or renew it, until ``now + lease``: True if ``holder`` holds it
    now, False if another owner's lease has not run out (and is not ``take_from``'s, an
    owner the caller found dead)."""
    me = Holder(holder) if isinstance(holder, str) else holder
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    values = asdict(me) | {"until": now + lease}
    mine = or_(LEADERS.c.owner == me.owner, LEADERS.c.until < now)
    taken = (
        insert(LEADERS)
        .values(values | {"role": role})
        .on_conflict_do_update(
            index_elements=[LEADERS.c.role],
            set_=values,
            where=mine if take_from is None else or_(mine, LEADERS.c.owner == take_from),
        )
    )
    async with db.engine.begin() as connection:
        result = await connection.execute(taken.returning(LEADERS.c.owner))
        return bool(result.scalar() == me.owner)


async def lead_holder(db: Database, role: str) -> Holder | None:
    """Who holds ``role``'s lease row (expired or not); None if no one does."""
    columns = (LEADERS.c.owner, LEADERS.c.host, LEADERS.c.pid, LEADERS.c.started)
    async with db.engine.connect() as connection:
        row = (await connection.execute(select(*columns).where(LEADERS.c.role == role))).first()
    return None if row is None else Holder(row.owner, row.host, row.pid, row.started)


async def leave_lead(db: Database, role: str, owner: str) -> None:
    """Give the lease up (a clean stop): a standby takes it at once instead of at expiry."""
    statement = delete(LEADERS).where(LEADERS.c.role == role, LEADERS.c.owner == owner)
    async with db.engine.begin() as connection:
        await connection.execute(statement)
