"""Opening the database and bringing its schema up to date (Alembic).

SQLite (a file, the default) and PostgreSQL take the same SQL. What differs is how they are
opened: a SQLite file gets pragmas and threads of its own (``news/store/sqlite.py``), a server a
pool of connections sized by ``PoolSettings``. Migrations run once however many processes
start together: under a lock file beside a SQLite file, under an advisory lock on PostgreSQL
(``migrations/env.py``).
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import URL, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from news.store.sqlite import (
    CONNECT_ARGS,
    SessionThread,
    ensure_parent_dir,
    file_lock,
    is_file,
    sqlite_path,
    sqlite_pragmas,
    sqlite_revision,
    use_wal,
)

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision (tests/store/test_migrations.py checks it against Alembic's): a
# database already there is opened without loading Alembic, which the bot would then carry
# for the rest of its life (12 MB, with Mako).
SCHEMA_HEAD = "0015"
T = TypeVar("T")
# How each async PostgreSQL driver names its connect timeout (seconds).
_CONNECT_TIMEOUT = {"asyncpg": "timeout", "psycopg": "connect_timeout"}


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """A database server's connections (``[storage]`` in the config); SQLite ignores them."""

    size: int = 10  # kept open
    overflow: int = 10  # opened beyond ``size`` when all are busy, closed when returned
    timeout: float = 30.0  # seconds to wait for a free connection before failing
    connect_timeout: float = 10.0  # seconds to open one


@dataclass(slots=True)
class Database:
    """The engine, a session factory, and a lock that keeps writers from fighting.

    SQLite allows one writer at a time; queuing writers in-process is cheaper than letting them
    collide and wait on the busy timeout. On PostgreSQL the lock is harmless: the bulk writes
    it queues are few, and other processes' writers do not take it.
    """

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # A SQLite file's threads (see SessionThread): one query-only, one for bulk writes.
    reader: SessionThread | None = None
    writer: SessionThread | None = None
    file: Path | None = None  # a SQLite file's path

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


def open_database(url: str, pool: PoolSettings | None = None) -> Database:
    """Create the engine and a session factory. A SQLite file gets WAL, a busy timeout,
    foreign keys and its reader and writer threads; a server a pool of ``pool``'s size."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = _server_engine(parsed, pool or PoolSettings())
        return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    engine = create_async_engine(url, connect_args=CONNECT_ARGS)
    database = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    ensure_parent_dir(url)
    event.listen(engine.sync_engine, "connect", sqlite_pragmas)
    if is_file(parsed):
        sync_url = parsed.set(drivername="sqlite")
        database.reader = SessionThread(sync_url, read_only=True)
        database.writer = SessionThread(sync_url, read_only=False)
        database.file = sqlite_path(url)
    return database


def _server_engine(url: URL, pool: PoolSettings) -> AsyncEngine:
    timeout = _CONNECT_TIMEOUT.get(url.get_driver_name())
    return create_async_engine(
        url,
        pool_size=pool.size,
        max_overflow=pool.overflow,
        pool_timeout=pool.timeout,
        # A connection the server dropped (a restart, an idle timeout) is replaced, not
        # handed to a query that would fail on it.
        pool_pre_ping=True,
        connect_args={timeout: pool.connect_timeout} if timeout else {},
    )


def alembic_config(url: str) -> "AlembicConfig":
    """An Alembic config pointing at our migrations and ``url``."""
    from alembic.config import Config as AlembicConfig  # here, not above: see SCHEMA_HEAD

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> None:
    """Apply every pending migration, once however many processes ask at the same time.
    Blocking: call it before the event loop or in a thread."""
    ensure_parent_dir(url)
    if schema_revision(url) == SCHEMA_HEAD:
        return
    with _migration_lock(url):
        _upgrade(url)


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    """A SQLite file's lock file, held while its schema is read and changed. PostgreSQL's
    migrations take an advisory lock of their own (migrations/env.py), and run in one
    transaction: no one else sees a revision part way."""
    path = sqlite_path(url)
    with nullcontext() if path is None else file_lock(path, "migrate", wait=True):
        yield


def _upgrade(url: str) -> None:
    from alembic import command  # here, not above: see SCHEMA_HEAD

    command.upgrade(alembic_config(url), "head")
    path = sqlite_path(url)
    if path is not None:
        use_wal(path)


class SchemaNotCurrentError(Exception):
    """The database's schema is not the one this program was built for."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision

    @property
    def is_behind(self) -> bool:
        """Older than ours (an upgrade brings it here), not newer (a newer program made it).
        Revisions are zero-padded numbers: they sort as strings."""
        return self.revision < SCHEMA_HEAD


def prepare_schema(url: str, *, migrate: bool) -> None:
    """Before a process starts its work: a database with no schema yet is created at the
    newest one; one behind is upgraded only when ``migrate`` is asked, else
    ``SchemaNotCurrentError``. Blocking: call it before the event loop or in a thread.

    Creating a new database disturbs no one: nothing can be using it yet. Upgrading one
    changes the tables that running processes of the older version read, so it is an
    admin's act, done once (``rights-digest db upgrade``, or ``run --migrate``)."""
    if schema_revision(url) == SCHEMA_HEAD:
        return
    ensure_parent_dir(url)
    with _migration_lock(url):
        # Again under the lock: a process starting at the same moment may be creating it,
        # and a SQLite file shows each revision on the way.
        revision = schema_revision(url)
        if revision == SCHEMA_HEAD:
            return
        if revision is not None and (not migrate or revision > SCHEMA_HEAD):
            raise SchemaNotCurrentError(revision)
        _upgrade(url)


def schema_revision(url: str) -> str | None:
    """The database's Alembic revision, read without Alembic; None if it has none yet."""
    if make_url(url).get_backend_name() == "sqlite":
        return sqlite_revision(url)
    return asyncio.run(_server_revision(url))


async def _server_revision(url: str) -> str | None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(text("SELECT to_regclass('alembic_version')"))
            if found is None:
                return None
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            return None if revision is None else str(revision)
    finally:
        await engine.dispose()


async def upgrade_database_async(url: str) -> None:
    """``upgrade_database`` from inside a running event loop."""
    await asyncio.to_thread(upgrade_database, url)
