"""`rights-digest run` and the database's schema: a new database is created at the newest
schema, an older one is upgraded with `--migrate` (refusals: test_schema_check.py); two
processes starting at once on a new database both come up, and the schema is built once."""

import signal
import subprocess
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from news.store.db import SCHEMA_HEAD, alembic_config, upgrade_database
from tests.bot.test_cli import EXE, as_from_a_terminal, clean_env, write_config
from tests.bot.test_webhook import free_port
from tests.conftest import REPO
from tests.rows import rows

UP = "health and metrics on http://"  # logged once the services are open and jobs run


def previous_revision(url: str) -> str:
    """The revision before the newest: a database one upgrade behind."""
    script = ScriptDirectory.from_config(alembic_config(url))
    down = script.get_revision(SCHEMA_HEAD).down_revision
    assert isinstance(down, str)
    return down


def revision(url: str) -> list[tuple[object, ...]]:
    return rows(url, "SELECT version_num FROM alembic_version")


async def set_revision(url: str, revision: str) -> None:
    """As a newer program's migration would leave it."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
            )
    finally:
        await engine.dispose()


def with_health(config: Path) -> Path:
    """The config with a health listener on a free loopback port: its log line says the
    process is up. (Two processes on one config: the second finds the port taken, and its
    listener fails, so each ``Started`` is given its own copy.)"""
    config.write_text(config.read_text() + f'[health]\nlisten = "127.0.0.1:{free_port()}"\n')
    return config


class Started:
    """A `rights-digest run` dry run in a process of its own, its stderr read as it comes."""

    def __init__(self, config: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [*EXE, "run", "--role", "poll", *extra, "--config", str(config)],
            cwd=REPO,
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=as_from_a_terminal,
        )
        self.err: list[str] = []
        self.up = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.err.append(line)
            if UP in line:
                self.up.set()
        self.up.set()  # it ended: waiting longer is pointless

    def stop(self) -> tuple[int, str]:
        """Ctrl-C; its exit code and everything it wrote to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return code, "".join(self.err)


@pytest.mark.slow
@pytest.mark.parametrize("database", ["new", "older, with --migrate"])
def test_run_comes_up_on_a_new_database_or_an_older_one_with_migrate(
    tmp_path, empty_database_url, database
):
    extra = []
    if database != "new":
        command.upgrade(alembic_config(empty_database_url), previous_revision(empty_database_url))
        extra = ["--migrate"]
    config = with_health(write_config(tmp_path, [], database_url=empty_database_url))
    started = Started(config, *extra)
    assert started.up.wait(timeout=120)
    code, err = started.stop()
    assert UP in err, err
    assert code == 0, err
    assert revision(empty_database_url) == [(SCHEMA_HEAD,)]


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(3))
def test_two_runs_started_at_once_on_a_new_database_both_come_up(
    tmp_path, empty_database_url, trial
):
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in folders:
        folder.mkdir()
    configs = [
        with_health(write_config(folder, [], database_url=empty_database_url))
        for folder in folders
    ]
    both = [Started(config) for config in configs]
    for started in both:
        assert started.up.wait(timeout=120)
    # Up, both: nothing went wrong on the way. (What a Ctrl-C then interrupts mid-job may
    # log is the dry run's business, not the start's.)
    started_with = ["".join(started.err) for started in both]
    ended = [started.stop() for started in both]
    for err in started_with:
        assert UP in err, err
        assert "Traceback" not in err
        assert " ERROR " not in err
    assert [code for code, _ in ended] == [0, 0], ended
    assert revision(empty_database_url) == [(SCHEMA_HEAD,)]
    upgrade_database(empty_database_url)  # nothing left to do: at the newest already
    assert revision(empty_database_url) == [(SCHEMA_HEAD,)]
