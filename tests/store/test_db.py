"""Database.read and .write: a SQLite file is read and written on threads of its own, any
other database (PostgreSQL) through the async session."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from news.store.chats import chat_topics, forget_chat, get_chat, subscribe, update_chat
from news.store.db import Database, open_database, upgrade_database_async
from news.store.tables import Base, Chat

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def a_chat(chat_id: int) -> Chat:
    return Chat(
        id=chat_id,
        type="private",
        mode="instant",
        digest_time="08:00",
        timezone="Asia/Phnom_Penh",
        weekday="mon",
        created_at=NOW,
    )


@pytest.fixture
async def file_db(database_url: str) -> AsyncIterator[Database]:
    """A SQLite file, or a PostgreSQL database."""
    await upgrade_database_async(database_url)
    db = open_database(database_url)
    yield db
    await db.close()


@pytest.fixture
def thread_of(backend: str) -> Callable[[str], str]:
    """The name of the thread a read or write runs on: a SQLite file's own, else the loop's."""
    here = threading.current_thread().name
    return lambda role: role if backend == "sqlite" else here


@pytest.fixture
async def memory_db() -> AsyncIterator[Database]:
    db = open_database("sqlite+aiosqlite://")
    async with db.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield db
    await db.close()


def thread_and_types(session: Session) -> tuple[str, list[str]]:
    return threading.current_thread().name, list(session.scalars(select(Chat.type)))


async def test_a_read_sees_what_was_committed_on_the_reader_thread_of_a_sqlite_file(
    file_db: Database, thread_of
):
    async with file_db.writing() as session:
        session.add(a_chat(1))
    thread, types = await file_db.read(thread_and_types)
    assert thread.removesuffix("_0") == thread_of("db-reader")
    assert types == ["private"]
    async with file_db.writing() as session:  # a later write is seen by the next read
        session.add(a_chat(2))
    assert (await file_db.read(thread_and_types))[1] == ["private", "private"]


@pytest.mark.sqlite_only("the reader's connection is SQLite's query_only")
async def test_the_reader_cannot_write(file_db: Database):
    def sneak_in(session: Session) -> None:
        session.add(a_chat(3))
        session.commit()

    with pytest.raises(OperationalError, match="readonly"):
        await file_db.read(sneak_in)
    assert (await file_db.read(thread_and_types))[1] == []


def add_chat(chat_id: int) -> Callable[[Session], str]:
    def add(session: Session) -> str:
        session.add(a_chat(chat_id))
        return threading.current_thread().name

    return add


async def test_a_bulk_write_runs_on_the_writer_thread_and_is_committed(file_db, thread_of):
    assert (await file_db.write(add_chat(1))).removesuffix("_0") == thread_of("db-writer")
    assert (await file_db.read(thread_and_types))[1] == ["private"]


async def test_a_write_that_fails_changes_nothing(file_db: Database):
    def add_then_fail(session: Session) -> None:
        add_chat(1)(session)
        session.flush()  # the row is in the database's transaction ...
        raise LookupError("and then something goes wrong")

    with pytest.raises(LookupError):
        await file_db.write(add_then_fail)
    assert (await file_db.read(thread_and_types))[1] == []  # ... which was rolled back
    assert not file_db.write_lock.locked()


async def test_a_bulk_write_holds_the_write_lock_while_it_runs(file_db: Database):
    # The lock is what queues writers in-process instead of on SQLite's busy timeout.
    assert await file_db.write(lambda session: file_db.write_lock.locked())
    assert not file_db.write_lock.locked()


@pytest.mark.sqlite_only("a SQLite file's writer thread")
async def test_a_cancelled_bulk_write_keeps_the_lock_until_its_thread_is_done(file_db: Database):
    started, go_on = threading.Event(), threading.Event()

    def slow_write(session: Session) -> None:
        started.set()
        go_on.wait()
        add_chat(1)(session)

    task = asyncio.ensure_future(file_db.write(slow_write))
    await asyncio.to_thread(started.wait)
    task.cancel()
    for _ in range(5):
        await asyncio.sleep(0)  # let the cancellation land
    assert file_db.write_lock.locked()  # no other writer may start while the thread writes
    go_on.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not file_db.write_lock.locked()
    assert (await file_db.read(thread_and_types))[1] == ["private"]  # it did finish


@pytest.mark.sqlite_only("a SQLite database in memory")
async def test_a_database_in_memory_is_used_through_the_async_session(backend, memory_db):
    # Another connection would see another, empty database: no threads of its own.
    assert memory_db.reader is None
    assert memory_db.writer is None
    assert await memory_db.write(add_chat(1)) == threading.current_thread().name
    await subscribe(memory_db, 1, ["cambodia-eba"], NOW)
    thread, types = await memory_db.read(thread_and_types)
    assert thread == threading.current_thread().name
    assert types == ["private"]
    assert await chat_topics(memory_db, 1) == {"cambodia-eba"}
    settings = await get_chat(memory_db, 1)
    assert settings is not None
    assert settings.timezone == "Asia/Phnom_Penh"


async def test_closing_ends_the_reader_thread(database_url: str):
    await upgrade_database_async(database_url)
    db = open_database(database_url)
    await db.read(thread_and_types)
    await db.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("db-reader")]


@pytest.mark.sqlite_only("secure_delete and the write-ahead log of a SQLite file")
async def test_a_forgotten_chat_leaves_nothing_in_the_database_files(file_db, tmp_path):
    # A zone no other row holds: after /forget its bytes must be in neither the database
    # file (secure delete) nor the write-ahead log (checkpointed).
    marker = "America/Argentina/ComodRivadavia"
    async with file_db.writing() as session:
        session.add(a_chat(4242))
    await update_chat(file_db, 4242, timezone=marker)
    await subscribe(file_db, 4242, ["cambodia-eba"], NOW)
    files = [tmp_path / "test.db", tmp_path / "test.db-wal"]
    assert any(marker.encode() in f.read_bytes() for f in files if f.exists())
    assert await forget_chat(file_db, 4242) == 2
    for path in files:
        if path.exists():
            assert marker.encode() not in path.read_bytes(), path.name
