"""Two `rights-digest db upgrade` at once on a fresh database: both succeed, and the schema is
built once (PostgreSQL: an advisory lock; a SQLite file: a lock file beside it)."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from news.store.db import SCHEMA_HEAD
from tests.conftest import REPO
from tests.postgres import Server
from tests.rows import rows

pytestmark = pytest.mark.slow
TRIALS = 5


@pytest.fixture
def fresh_database(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> Iterator[Callable[[int], str]]:
    """A new database with no tables for each trial."""
    made: list[str] = []
    server: Server | None = None
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")

    def make(trial: int) -> str:
        if server is None:
            return f"sqlite+aiosqlite:///{tmp_path / f'trial{trial}.db'}"
        made.append(server.new_database(migrated=False))
        return server.url(made[-1])

    yield make
    for name in made:
        assert server is not None
        server.drop_database(name)


def upgrade(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "db", "upgrade", "--config", str(config)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_upgrades_at_once_both_succeed_and_migrate_once(tmp_path, fresh_database, trial):
    url = fresh_database(trial)
    config = tmp_path / f"trial{trial}.toml"
    config.write_text(f'[storage]\ndatabase_url = "{url}"\n', encoding="utf-8")
    both = [upgrade(config), upgrade(config)]
    outputs = [process.communicate(timeout=120)[0] for process in both]
    assert [process.returncode for process in both] == [0, 0], outputs
    assert rows(url, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
