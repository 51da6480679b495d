"""Opening the database and bringing its schema up to date (Alembic)."""

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import URL, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 15_000
T = TypeVar("T")


class Reader:
    """Reads of a SQLite file on a thread of their own, with their own connection.

    Through aiosqlite every query is four trips between the event loop and its thread (cursor,
    execute, fetch, close) and every session one or two more, and each trip back waits for the
    loop to come round. While a poll cycle keeps the loop busy that is tens of milliseconds a
    trip: /latest (six queries) took over a second. Here a whole read is one trip there and
    one back, and the rows are built off the loop. The connection is query-only.
    """

    def __init__(self, url: URL) -> None:
        self._engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(self._engine, "connect", _reader_pragmas)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="db-reader")

    async def run(self, fn: Callable[[Session], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._call, fn)

    def _call(self, fn: Callable[[Session], T]) -> T:
        with self._sessions() as session:
            return fn(session)

    async def close(self) -> None:
        # The connection belongs to the reader thread: closed there, then the thread ends.
        await asyncio.get_running_loop().run_in_executor(self._thread, self._engine.dispose)
        self._thread.shutdown()


@dataclass(slots=True)
class Database:
    """The engine, a session factory, and a lock that keeps writers from fighting.

    SQLite allows one writer at a time; queuing writers in-process is cheaper than letting them
    collide and wait on the busy timeout. On PostgreSQL the lock is harmless.
    """

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    reader: Reader | None = None  # a SQLite file's reader thread (see Reader)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success, holding the write lock."""
        async with self.write_lock, self.sessions() as session, session.begin():
            yield session

    async def read(self, fn: Callable[[Session], T]) -> T:
        """``fn(session)`` for a read that commands wait on: on a SQLite file in the reader
        thread, elsewhere through ``AsyncSession.run_sync``. ``fn`` returns plain data, not
        ORM objects, and must not write."""
        if self.reader is not None:
            return await self.reader.run(fn)
        async with self.sessions() as session:
            return await session.run_sync(fn)

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        if self.reader is not None:
            await self.reader.close()
        await self.engine.dispose()


def open_database(url: str) -> Database:
    """Create the engine (SQLite: WAL, busy timeout, foreign keys) and a session factory; a
    SQLite file also gets a reader thread."""
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    engine = create_async_engine(url, **({"connect_args": {"timeout": 15}} if is_sqlite else {}))
    reader = None
    if is_sqlite:
        _ensure_parent_dir(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if _is_file(parsed):
            reader = Reader(parsed.set(drivername="sqlite"))
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False), reader=reader)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _reader_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _is_file(url: URL) -> bool:
    """A database another connection can open: not one in memory (each connection has its own)."""
    return (
        bool(url.database)
        and ":memory:" not in (url.database or "")
        and (url.query.get("mode") != "memory")
    )


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
