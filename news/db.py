"""Opening the database and bringing its schema up to date (Alembic)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 15_000


@dataclass(slots=True)
class Database:
    """The engine, a session factory, and a lock that keeps writers from fighting.

    SQLite allows one writer at a time; queuing writers in-process is cheaper than letting them
    collide and wait on the busy timeout. On PostgreSQL the lock is harmless.
    """

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success, holding the write lock."""
        async with self.write_lock, self.sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        await self.engine.dispose()


def open_database(url: str) -> Database:
    """Create the engine (SQLite: WAL, busy timeout, foreign keys) and a session factory."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = create_async_engine(url, **({"connect_args": {"timeout": 15}} if is_sqlite else {}))
    if is_sqlite:
        _ensure_parent_dir(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _ensure_parent_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic config pointing at our migrations and ``url``."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> None:
    """Apply every pending migration. Blocking: call it before the event loop or in a thread."""
    _ensure_parent_dir(url)
    command.upgrade(alembic_config(url), "head")


async def upgrade_database_async(url: str) -> None:
    """``upgrade_database`` from inside a running event loop."""
    await asyncio.to_thread(upgrade_database, url)
