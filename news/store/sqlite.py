"""What only a SQLite file needs: its pragmas, its reader and writer threads, its revision read
without Alembic, and file locks beside it (SQLite has no advisory locks)."""

import asyncio
import errno
import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import URL, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 15_000
# pysqlite's own wait for a lock, in seconds: the same as the busy timeout.
CONNECT_ARGS = {"timeout": BUSY_TIMEOUT_MS / 1000}
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
        self._engine = create_engine(url, connect_args=CONNECT_ARGS)
        event.listen(self._engine, "connect", reader_pragmas if read_only else sqlite_pragmas)
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


def use_wal(path: Path) -> None:
    """Put a new file in WAL mode for good (the mode is kept in the file). Done once, after
    its migrations and under their lock: the switch needs the file to itself, and two
    processes opening a new file at once, each switching on connect, failed as "locked"."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
        db.execute("PRAGMA journal_mode=WAL")


def sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")  # already so after the migrations: no switch
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten, not left in free pages: /forget must leave nothing to
    # recover from the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def reader_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def is_file(url: URL) -> bool:
    """A database another connection can open: not one in memory (each connection has its own)."""
    return (
        bool(url.database)
        and ":memory:" not in (url.database or "")
        and (url.query.get("mode") != "memory")
    )


def ensure_parent_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database, one in memory or a URI."""
    parsed = make_url(url)
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not is_file(parsed) or not path:
        return None
    return None if path.startswith("file:") else Path(path)


def sqlite_revision(url: str) -> str | None:
    """The Alembic revision of an existing SQLite file, read without Alembic; None for any
    other database, a file not there yet, or one Alembic has not touched.

    A path that cannot be a database (a directory, a file that is none, one that cannot be
    opened) raises ``sqlite3.Error`` here, in SQLite's words: found later, through the async
    driver, the failure left its thread calling into a loop that had closed, and that
    printed a traceback after the one-line message."""
    path = sqlite_path(url)
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


class FileLockedError(Exception):
    """Another holder has the lock file (another process, or another holder in this one)."""


@contextmanager
def file_lock(database: Path, purpose: str, *, wait: bool) -> Iterator[None]:
    """Hold ``<database>-<purpose>.lock`` (``flock``) while the block runs. The kernel lets go
    when the holder dies, even by ``kill -9``: a lock is never left behind by a crash.

    ``wait=False`` raises ``FileLockedError`` at once when someone holds it. The lock belongs
    to the open file, not the process: a second holder in the same process is refused too."""
    path = database.with_name(f"{database.name}-{purpose}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise FileLockedError(str(path)) from None
        yield
    finally:
        os.close(fd)  # lets go of the lock
