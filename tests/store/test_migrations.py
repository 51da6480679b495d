"""The Alembic migrations build exactly the schema news/store/tables.py describes."""

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from news.store.db import (
    SCHEMA_HEAD,
    alembic_config,
    known_revisions,
    schema_revision,
    upgrade_database,
    upgrade_database_async,
)
from news.store.tables import Base


def differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_models(empty_database_url: str):
    await upgrade_database_async(empty_database_url)
    engine = create_async_engine(empty_database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert diff == []


async def test_upgrading_twice_is_harmless(empty_database_url: str):
    await upgrade_database_async(empty_database_url)
    await upgrade_database_async(empty_database_url)
    engine = create_async_engine(empty_database_url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(table_names)
    await engine.dispose()
    assert tables >= {"feeds", "stories", "entries", "chats", "outbox"}


def test_the_schema_head_the_bot_checks_for_is_alembics(empty_database_url: str):
    # news.store.db skips loading Alembic for a database at SCHEMA_HEAD: a new migration must
    # move it, or the bot would never apply that migration.
    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() == (
        SCHEMA_HEAD
    )
    assert schema_revision(empty_database_url) is None  # no file, or no tables, yet
    upgrade_database(empty_database_url)
    assert schema_revision(empty_database_url) == SCHEMA_HEAD


async def test_an_upgrade_that_fails_half_way_leaves_nothing_behind(empty_database_url: str):
    """A failed or killed upgrade must leave the database as it was, or no later start could
    finish it: the first migration's tables came before its revision ("table feeds already
    exists" after a kill -9, on SQLite). Here a table in the way stops the first migration
    after it has created ``feeds``."""
    engine = create_async_engine(empty_database_url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE stories (id INTEGER PRIMARY KEY)")
    with pytest.raises(Exception, match="stories"):
        await upgrade_database_async(empty_database_url)
    async with engine.begin() as connection:
        assert await connection.run_sync(table_names) == {"stories"}
        await connection.exec_driver_sql("DROP TABLE stories")
    await engine.dispose()

    await upgrade_database_async(empty_database_url)
    assert await asyncio.to_thread(schema_revision, empty_database_url) == SCHEMA_HEAD


def test_known_revisions_are_alembics():
    """Read without Alembic, from the files: the same revisions Alembic finds."""
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
