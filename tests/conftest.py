"""Shared fixtures: loopback servers, configs on a temporary database, the real services.

A test that asks for ``backend`` (through ``database_url`` or ``make_config``) runs on each
database chosen with ``--backend`` (SQLite alone by default; ``make test-pg`` chooses
PostgreSQL) and is marked ``database``. ``@pytest.mark.sqlite_only(reason)`` skips one on
PostgreSQL, saying which SQLite internal it tests; ``postgresql_only(reason)`` the reverse.
"""

import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from news.config import Config, parse_config
from news.store.db import Database, open_database, upgrade_database_async
from tests.fakes.feed_server import FeedServer
from tests.postgres import Server, start_server

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = REPO / "tests" / "data"  # our own fixtures

ConfigFactory = Callable[..., Config]
BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        choices=BACKENDS,
        dest="backends",
        help="a database the database tests run on: sqlite (the default), postgresql; "
        "give it twice for both",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", metafunc.config.option.backends or ["sqlite"])


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marker added here
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if backend is None:
            continue
        item.add_marker(pytest.mark.database)
        for name, label in (("sqlite_only", "SQLite"), ("postgresql_only", "PostgreSQL")):
            only = item.get_closest_marker(name)
            if only is not None and backend != name.removesuffix("_only"):
                item.add_marker(pytest.mark.skip(reason=f"{label} only: {only.args[0]}"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """The session's PostgreSQL server, started on first use (tests/postgres.py)."""
    try:
        server, cluster = start_server()
    except RuntimeError as error:  # one message, not the same error for every test
        pytest.exit(str(error), returncode=pytest.ExitCode.USAGE_ERROR)
    yield server
    if cluster is not None:
        cluster.stop()
    else:  # a server of one's own keeps running: leave nothing of ours in it
        server.drop_database(server.template)


def _database(request: pytest.FixtureRequest, backend: str, path: Path, *, migrated: bool):
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{path}"
        return
    server: Server = request.getfixturevalue("postgres_server")
    name = server.new_database(migrated=migrated)
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own on ``backend``: a new SQLite file (migrated when first
    opened), or a PostgreSQL database already migrated."""
    yield from _database(request, backend, tmp_path / "test.db", migrated=True)


@pytest.fixture
def empty_database_url(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> Iterator[str]:
    """A database with no tables yet, for the migrations themselves."""
    yield from _database(request, backend, tmp_path / "empty.db", migrated=False)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A loopback publisher; routes are set by each test."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def make_config(tmp_path: Path, database_url: str) -> ConfigFactory:
    """Build a validated Config on the test's own database; sections are given as dicts."""

    def build(feeds: list[dict[str, Any]] | None = None, **sections: Any) -> Config:
        raw: dict[str, Any] = {
            "storage": {"database_url": database_url},
            "polling": {"every": "10m", "parse_workers": 0, "parse_timeout": "20s"},
            "http": {"connect_timeout": "2s", "total_timeout": "5s"},
            "feeds": feeds or [],
        }
        for name, values in sections.items():
            raw[name] = {**raw.get(name, {}), **values} if isinstance(values, dict) else values
        return parse_config(raw, base_dir=tmp_path, environ={})

    return build


def feed_entry(name: str, url: str, **extra: Any) -> dict[str, Any]:
    """A [[feeds]] table for make_config."""
    return {"name": name, "url": url, "type": "independent media", "language": "en", **extra}


def restamp(document: bytes, newest: datetime) -> bytes:
    """An RSS fixture with its item dates moved together so the newest is ``newest``: a test
    that runs on the real clock needs stories that are still news (older ones are never pushed)."""
    stamps = [parsedate_to_datetime(m.decode()) for m in _PUB_DATE.findall(document)]
    shift = newest - max(stamps)

    def moved(match: re.Match[bytes]) -> bytes:
        when = parsedate_to_datetime(match.group(1).decode()) + shift
        return b"<pubDate>" + format_datetime(when).encode() + b"</pubDate>"

    return _PUB_DATE.sub(moved, document)


_PUB_DATE = re.compile(rb"<pubDate>([^<]+)</pubDate>")


@pytest.fixture
async def open_db(database_url: str) -> AsyncIterator[Callable[[], Database]]:
    """Opens a Database of its own for each caller, as each process would have one; the
    schema migrated first, every one closed at the end."""
    await upgrade_database_async(database_url)
    opened: list[Database] = []

    def open_one() -> Database:
        opened.append(open_database(database_url))
        return opened[-1]

    yield open_one
    for db in opened:
        await db.close()
