"""Alembic environment: runs migrations over the app's async engine."""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from news.store.tables import Base

TARGET = Base.metadata
# The advisory lock migrations take on PostgreSQL ("RDMIGR" in ASCII): one key per database.
MIGRATION_LOCK = 0x52444D494752


def _run(connection: Connection) -> None:
    # Batch mode lets SQLite (no ALTER COLUMN) take the same migrations as PostgreSQL.
    context.configure(
        connection=connection,
        target_metadata=TARGET,
        render_as_batch=True,
        transactional_ddl=True,  # SQLite's too (see _sqlite_ddl_in_transactions)
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes upgrading at once: the second waits here until the first has
            # committed, then reads the revision it left and has nothing to do. (All of the
            # migrations run in this one transaction: PostgreSQL's DDL is transactional.)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def _sqlite_ddl_in_transactions(engine: AsyncEngine) -> None:
    """Python's sqlite3 opens a transaction only before INSERT, UPDATE and DELETE, so each
    CREATE TABLE commits on its own: a process killed during the first upgrade left tables
    without a revision, and every later start failed on "table feeds already exists". SQLite's
    DDL is transactional once we, not the driver, say BEGIN (SQLAlchemy's pysqlite notes)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


async def _run_online() -> None:
    engine = create_async_engine(context.config.get_main_option("sqlalchemy.url") or "")
    if engine.dialect.name == "sqlite":
        _sqlite_ddl_in_transactions(engine)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=TARGET,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
