"""Every command that opens the database checks its schema as `run` does: a new database is
created at the newest schema, an older one refused in one line unless `--migrate` is given,
and one newer than this program (a revision our migrations do not know) refused by every
command, `db upgrade` included, with nothing changed."""

import asyncio

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.cli import main
from bot.failures import safe_url
from news.store.db import SCHEMA_HEAD, alembic_config
from tests.bot.test_cli import write_config
from tests.bot.test_start import previous_revision, revision, set_revision

COMMANDS = [["poll", "--once"], ["latest"], ["run"]]


@pytest.fixture(autouse=True)
def _no_token(monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


async def _columns(url: str) -> dict[str, list[str]]:
    """Every table's columns: what an upgrade would change."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: {
                    table: [column["name"] for column in inspect(sync).get_columns(table)]
                    for table in inspect(sync).get_table_names()
                }
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: argv[0])
def test_each_command_refuses_an_older_schema_and_says_what_to_run(
    tmp_path, empty_database_url, capsys, argv
):
    older = previous_revision(empty_database_url)
    command.upgrade(alembic_config(empty_database_url), older)
    config = write_config(tmp_path, [], database_url=empty_database_url)
    assert main([*argv, "--config", str(config)]) == 3
    assert capsys.readouterr().err == (
        f"The database {safe_url(empty_database_url)} has schema {older}, older than this "
        f"version's {SCHEMA_HEAD}: run `rights-digest db upgrade --config {config}` first "
        f"(once, for every process using it), or start with `rights-digest {' '.join(argv)} "
        "--migrate`.\n"
    )
    assert revision(empty_database_url) == [(older,)]


@pytest.mark.parametrize("argv", COMMANDS[:2], ids=lambda argv: argv[0])
def test_poll_and_latest_upgrade_an_older_schema_with_migrate(
    tmp_path, empty_database_url, capsys, argv
):
    command.upgrade(alembic_config(empty_database_url), previous_revision(empty_database_url))
    config = write_config(tmp_path, [], database_url=empty_database_url)
    assert main([*argv, "--migrate", "--config", str(config)]) == 0
    assert capsys.readouterr().err == ""
    assert revision(empty_database_url) == [(SCHEMA_HEAD,)]


@pytest.mark.parametrize("argv", COMMANDS[:2], ids=lambda argv: argv[0])
def test_poll_and_latest_create_a_new_database_at_the_newest_schema(
    tmp_path, empty_database_url, argv
):
    config = write_config(tmp_path, [], database_url=empty_database_url)
    assert main([*argv, "--config", str(config)]) == 0
    assert revision(empty_database_url) == [(SCHEMA_HEAD,)]


@pytest.mark.parametrize(
    "argv",
    [["db", "upgrade"], ["run", "--migrate"], ["poll", "--once", "--migrate"], ["latest"]],
    ids=lambda argv: " ".join(argv),
)
def test_every_command_refuses_a_schema_newer_than_it_knows_and_changes_nothing(
    tmp_path, empty_database_url, capsys, argv
):
    command.upgrade(alembic_config(empty_database_url), "head")
    asyncio.run(set_revision(empty_database_url, "9999"))
    before = asyncio.run(_columns(empty_database_url))
    config = write_config(tmp_path, [], database_url=empty_database_url)
    assert main([*argv, "--config", str(config)]) == 3
    assert capsys.readouterr().err == (
        f"The database schema 9999 is newer than this version of rights-digest (head "
        f"{SCHEMA_HEAD}): upgrade rights-digest, or point it at another database (this one "
        f"is {safe_url(empty_database_url)}).\n"
    )
    assert revision(empty_database_url) == [("9999",)]
    assert asyncio.run(_columns(empty_database_url)) == before
