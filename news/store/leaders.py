"""One leader per role: a lease row per role that its holder renews and others take once expired.

A row rather than a PostgreSQL advisory lock: the same SQL on SQLite and PostgreSQL, so one
code path and one set of tests; an expiry that both sides can reason about (an advisory lock
is let go only when the server notices its connection is dead, which a holder cut off from the
server cannot know); and nothing held open between statements, so a pool can recycle its
connections. The price is that a standby takes over only once the lease has run out, not the
moment the holder dies: keep the lease short (``[roles] lease``, 15 s by default).

Each statement is one atomic upsert: insert the row, or update it if this owner holds it or its
lease ran out. It runs on a connection of its own, outside ``Database.write``'s queue: a renewal
must not wait behind this process's bulk writes.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite

from news.store.db import Database
from news.store.tables import Base

LEADERS = Base.metadata.tables["leaders"]


async def hold_lead(db: Database, role: str, owner: str, now: datetime, lease: timedelta) -> bool:
    """Take ``role``'s lease, or renew it, until ``now + lease``: True if ``owner`` holds it
    now, False if another owner's lease has not run out."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    values = {"role": role, "owner": owner, "until": now + lease}
    taken = (
        insert(LEADERS)
        .values(values)
        .on_conflict_do_update(
            index_elements=[LEADERS.c.role],
            set_={"owner": owner, "until": now + lease},
            where=or_(LEADERS.c.owner == owner, LEADERS.c.until < now),
        )
    )
    async with db.engine.begin() as connection:
        result = await connection.execute(taken.returning(LEADERS.c.owner))
        return bool(result.scalar() == owner)


async def leave_lead(db: Database, role: str, owner: str) -> None:
    """Give the lease up (a clean stop): a standby takes it at once instead of at expiry."""
    statement = delete(LEADERS).where(LEADERS.c.role == role, LEADERS.c.owner == owner)
    async with db.engine.begin() as connection:
        await connection.execute(statement)
