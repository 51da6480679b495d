"""The Alembic migrations build exactly the schema news/store/tables.py describes."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from news.store.db import (
    SCHEMA_HEAD,
    alembic_config,
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
