"""Rate shares: each pacing role's row (``updates``, ``send``) saying what its process paces at
now (``rate``), what it would like (``wants``) and until when that holds (``until``).

Split processes read the other's row and publish their own to lend each other the token's
idle rate (``bot.rate_share``). Like the leaders' lease rows: one atomic upsert per write,
taken only by the row's owner or once it ran out, on a connection of its own outside
``Database.write``'s queue, so a slow bulk write never delays a share.
"""

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from news.store.db import Database
from news.store.tables import Base

RATE_SHARES = Base.metadata.tables["rate_shares"]


async def publish_share(
    db: Database, role: str, owner: str, rate: float, wants: float, until: datetime, now: datetime
) -> bool:
    """Write ``role``'s row for ``owner``: True if written, False if another owner's row for
    the role has not run out by ``now`` (a standby, or a process that has not yet taken over)."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    values = {"owner": owner, "rate": rate, "wants": wants, "until": until}
    statement = (
        insert(RATE_SHARES)
        .values(role=role, **values)
        .on_conflict_do_update(
            index_elements=[RATE_SHARES.c.role],
            set_=values,
            where=or_(RATE_SHARES.c.owner == owner, RATE_SHARES.c.until < now),
        )
    )
    async with db.engine.begin() as connection:
        result = await connection.execute(statement.returning(RATE_SHARES.c.owner))
        return bool(result.scalar() == owner)


async def read_shares(db: Database) -> dict[str, tuple[float, float, datetime]]:
    """Every role's row: ``(rate, wants, until)``, expired or not (the reader decides)."""
    statement = select(
        RATE_SHARES.c.role, RATE_SHARES.c.rate, RATE_SHARES.c.wants, RATE_SHARES.c.until
    )
    async with db.engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return {role: (rate, wants, until) for role, rate, wants, until in rows}


async def leave_share(db: Database, role: str, owner: str) -> None:
    """Drop ``owner``'s row (a clean stop): the other process may take the whole rate at once."""
    statement = delete(RATE_SHARES).where(RATE_SHARES.c.role == role, RATE_SHARES.c.owner == owner)
    async with db.engine.begin() as connection:
        await connection.execute(statement)
