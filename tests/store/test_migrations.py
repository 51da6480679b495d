"""The Alembic migrations build exactly the schema news/store/tables.py describes."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from news.store.db import SCHEMA_HEAD, alembic_config, upgrade_database
from news.store.sqlite import sqlite_revision
from news.store.tables import Base


def test_migrations_match_the_models(tmp_path: Path):
    path = tmp_path / "schema.db"
    upgrade_database(f"sqlite+aiosqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrading_twice_is_harmless(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}"
    upgrade_database(url)
    upgrade_database(url)
    engine = create_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    assert set(inspect(engine).get_table_names()) >= {"feeds", "stories", "entries", "chats"}
    engine.dispose()


def test_the_schema_head_the_bot_checks_for_is_alembics(tmp_path: Path):
    # news.store.db skips loading Alembic for a SQLite file at SCHEMA_HEAD: a new migration must
    # move it, or the bot would never apply that migration.
    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() == (
        SCHEMA_HEAD
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'head.db'}"
    assert sqlite_revision(url) is None  # no file yet
    upgrade_database(url)
    assert sqlite_revision(url) == SCHEMA_HEAD
