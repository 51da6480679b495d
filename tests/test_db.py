"""Database.read: a SQLite file is read on a thread of its own, anything else on the loop."""

import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from news.db import Database, open_database, upgrade_database_async
from news.store.chats import chat_topics, get_chat, subscribe
from news.tables import Base, Chat

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
async def file_db(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read.db'}"
    await upgrade_database_async(url)
    db = open_database(url)
    yield db
    await db.close()


@pytest.fixture
async def memory_db() -> AsyncIterator[Database]:
    db = open_database("sqlite+aiosqlite://")
    async with db.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield db
    await db.close()


def thread_and_types(session: Session) -> tuple[str, list[str]]:
    return threading.current_thread().name, list(session.scalars(select(Chat.type)))


async def test_a_sqlite_file_is_read_on_the_reader_thread_and_sees_what_was_committed(
    file_db: Database,
):
    async with file_db.writing() as session:
        session.add(a_chat(1))
    thread, types = await file_db.read(thread_and_types)
    assert thread.startswith("db-reader")
    assert types == ["private"]
    async with file_db.writing() as session:  # a later write is seen by the next read
        session.add(a_chat(2))
    assert (await file_db.read(thread_and_types))[1] == ["private", "private"]


async def test_the_reader_cannot_write(file_db: Database):
    def sneak_in(session: Session) -> None:
        session.execute(
            insert(Chat).values(
                id=3,
                type="group",
                mode="instant",
                digest_time="08:00",
                timezone="UTC",
                weekday="mon",
                created_at=NOW,
            )
        )
        session.commit()

    with pytest.raises(OperationalError, match="readonly"):
        await file_db.read(sneak_in)
    assert (await file_db.read(thread_and_types))[1] == []


async def test_a_database_in_memory_is_read_through_the_async_session(memory_db: Database):
    assert memory_db.reader is None  # another connection would see another, empty database
    async with memory_db.writing() as session:
        session.add(a_chat(1))
    await subscribe(memory_db, 1, ["cambodia-eba"], NOW)
    thread, types = await memory_db.read(thread_and_types)
    assert thread == threading.current_thread().name
    assert types == ["private"]
    assert await chat_topics(memory_db, 1) == {"cambodia-eba"}
    settings = await get_chat(memory_db, 1)
    assert settings is not None
    assert settings.timezone == "Asia/Phnom_Penh"


async def test_closing_ends_the_reader_thread(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'close.db'}"
    await upgrade_database_async(url)
    db = open_database(url)
    await db.read(thread_and_types)
    await db.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("db-reader")]
