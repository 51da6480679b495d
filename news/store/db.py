"""Opening the database and bringing its schema up to date (Alembic)."""

import asyncio
import errno
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import URL, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision (tests/store/test_migrations.py checks it against Alembic's): a
# SQLite file already there is opened without loading Alembic, which the bot would then
# carry for the rest of its life (12 MB, with Mako).
SCHEMA_HEAD = "0010"
BUSY_TIMEOUT_MS = 15_000
# pysqlite's own wait for a lock, in seconds: the same as the busy timeout.
_CONNECT_ARGS = {"timeout": BUSY_TIMEOUT_MS / 1000}
T = TypeVar("T")


class SessionThread:
    """Sessions on a SQLite file, run on a thread of their own with their own connection.

    Through aiosqlite every query is four trips between the event loop and its thread (cursor,
    execute, fetch, close) and every session one or two more, and each trip back waits for the
    loop to come round. While a poll cycle keeps the loop busy that is tens of milliseconds a
    trip: /latest (six queries) took over a second. Here a whole read or write is one trip
    there and one back, and the rows are built and bound off the loop.
    """

    def __init__(self, url: URL, *, read_only: bool) -> None:
        self._engine = create_engine(url, connect_args=_CONNECT_ARGS)
        event.listen(self._engine, "connect", _reader_pragmas if read_only else _sqlite_pragmas)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        name = "db-reader" if read_only else "db-writer"
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=name)

    async def read(self, fn: Callable[[Session], T]) -> T:
        return await self._run(self._read, fn)

    async def write(self, fn: Callable[[Session], T]) -> T:
        return await self._run(self._write, fn)

    async def _run(
        self, call: Callable[[Callable[[Session], T]], T], fn: Callable[[Session], T]
    ) -> T:
        future = asyncio.get_running_loop().run_in_executor(self._thread, call, fn)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # A thread cannot be stopped: let it finish first, so that the write lock a
            # caller holds covers the whole write.
            await asyncio.wait([future])
            raise

    def _read(self, fn: Callable[[Session], T]) -> T:
        with self._sessions() as session:
            return fn(session)

    def _write(self, fn: Callable[[Session], T]) -> T:
        with self._sessions() as session, session.begin():
            return fn(session)

    async def close(self) -> None:
        # The connection belongs to the thread: closed there, then the thread ends. Waited
        # for off the loop: a write still running may wait on a lock a task of the loop holds.
        await asyncio.get_running_loop().run_in_executor(self._thread, self._engine.dispose)
        await asyncio.to_thread(self._thread.shutdown)


@dataclass(slots=True)
class Database:
    """The engine, a session factory, and a lock that keeps writers from fighting.

    SQLite allows one writer at a time; queuing writers in-process is cheaper than letting them
    collide and wait on the busy timeout. On PostgreSQL the lock is harmless.
    """

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # A SQLite file's threads (see SessionThread): one query-only, one for bulk writes.
    reader: SessionThread | None = None
    writer: SessionThread | None = None

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success, holding the write lock."""
        async with self.write_lock, self.sessions() as session, session.begin():
            yield session

    async def read(self, fn: Callable[[Session], T]) -> T:
        """``fn(session)``, a whole read: on a SQLite file in the reader thread, elsewhere
        through ``AsyncSession.run_sync``. ``fn`` returns plain data, not ORM objects, and
        cannot write (the reader's connection is query-only)."""
        if self.reader is not None:
            return await self.reader.read(fn)
        async with self.sessions() as session:
            return await session.run_sync(fn)

    async def write(self, fn: Callable[[Session], T]) -> T:
        """``fn(session)`` in one transaction, committed on success, holding the write lock:
        for writes of many rows. On a SQLite file it runs in the writer thread, elsewhere
        through ``AsyncSession.run_sync``."""
        async with self.write_lock:
            if self.writer is not None:
                return await self.writer.write(fn)
            async with self.sessions() as session, session.begin():
                return await session.run_sync(fn)

    async def checkpoint(self) -> None:
        """On SQLite, copy the write-ahead log into the database file and empty it, so that
        what was just deleted is gone from the ``-wal`` file too; elsewhere nothing."""
        if self.engine.dialect.name != "sqlite":
            return
        async with self.write_lock, self.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        for thread in (self.reader, self.writer):
            if thread is not None:
                await thread.close()
        await self.engine.dispose()


def open_database(url: str) -> Database:
    """Create the engine (SQLite: WAL, busy timeout, foreign keys) and a session factory; a
    SQLite file also gets its reader and writer threads."""
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    engine = create_async_engine(url, **({"connect_args": _CONNECT_ARGS} if is_sqlite else {}))
    database = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    if is_sqlite:
        _ensure_parent_dir(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if _is_file(parsed):
            sync_url = parsed.set(drivername="sqlite")
            database.reader = SessionThread(sync_url, read_only=True)
            database.writer = SessionThread(sync_url, read_only=False)
    return database


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten, not left in free pages: /forget must leave nothing to
    # recover from the file.
    cursor.execute("PRAGMA secure_delete=ON")
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


def alembic_config(url: str) -> "AlembicConfig":
    """An Alembic config pointing at our migrations and ``url``."""
    from alembic.config import Config as AlembicConfig  # here, not above: see SCHEMA_HEAD

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> None:
    """Apply every pending migration. Blocking: call it before the event loop or in a thread."""
    _ensure_parent_dir(url)
    if sqlite_revision(url) == SCHEMA_HEAD:
        return
    from alembic import command  # here, not above: see SCHEMA_HEAD

    command.upgrade(alembic_config(url), "head")


def sqlite_revision(url: str) -> str | None:
    """The Alembic revision of an existing SQLite file, read without Alembic; None for any
    other database, a file not there yet, or one Alembic has not touched.

    A path that cannot be a database (a directory, a file that is none, one that cannot be
    opened) raises ``sqlite3.Error`` here, in SQLite's words: found later, through the async
    driver, the failure left its thread calling into a loop that had closed, and that
    printed a traceback after the one-line message."""
    path = _sqlite_path(url)
    if path is None or not path.exists():
        return None  # not a SQLite file, or a new one: created by the migration
    if path.is_dir():  # SQLite would call it a disk I/O error
        raise IsADirectoryError(errno.EISDIR, "the database path is a directory", str(path))
    with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as db:
        db.execute("PRAGMA schema_version").fetchone()
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table: Alembic has not touched it
            return None
    return str(row[0]) if row else None


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database, one in memory or a URI."""
    parsed = make_url(url)
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not _is_file(parsed) or not path:
        return None
    return None if path.startswith("file:") else Path(path)


async def upgrade_database_async(url: str) -> None:
    """``upgrade_database`` from inside a running event loop."""
    await asyncio.to_thread(upgrade_database, url)
