"""Shared fixtures: loopback servers, configs on a temporary database, the real services."""

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from news.config import Config, parse_config
from tests.fakes.feed_server import FeedServer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = REPO / "tests" / "data"  # our own fixtures

ConfigFactory = Callable[..., Config]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A loopback publisher; routes are set by each test."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def make_config(tmp_path: Path) -> ConfigFactory:
    """Build a validated Config on a fresh SQLite file; sections are given as dicts."""

    def build(feeds: list[dict[str, Any]] | None = None, **sections: Any) -> Config:
        raw: dict[str, Any] = {
            "storage": {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"},
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
