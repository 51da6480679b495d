"""Config loading: the example file loads, and every mistake names its key and value."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from news.config import ConfigError, load_config, parse_config
from news.units import format_duration, parse_duration, parse_size
from tests.conftest import REPO

FEED = {"name": "A", "url": "https://example.org/feed", "type": "ngo"}
TOPIC = {"slug": "t", "title": "T", "description": "D", "any_of": {"terms": ["word"]}}


def check(raw: dict[str, Any], tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, base_dir=tmp_path, environ={}, source="config.toml")
    return str(caught.value)


def test_the_example_config_loads_and_documents_every_section():
    config = load_config(REPO / "config.example.toml", environ={})
    assert len(config.feeds) >= 6
    assert {feed.type for feed in config.feeds} >= {"ngo", "independent media"}
    assert config.chats.mode == "daily"
    assert config.chats.hour == "08:00"
    assert config.chats.timezone == "Asia/Phnom_Penh"
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    for section in ("[storage]", "[http]", "[polling]", "[telegram]", "[chats]", "[delivery]"):
        assert section in text


def test_a_bad_duration_names_the_key_and_value(tmp_path):
    raw = {
        "feeds": [FEED | {"name": f"F{n}", "url": f"https://example.org/{n}"} for n in range(4)]
    }
    raw["feeds"][3] = raw["feeds"][3] | {"every": "fast"}
    assert check(raw, tmp_path) == (
        'config.toml: feeds[3].every: expected a duration like "15m", got "fast"'
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"feeds": [FEED | {"url": "ftp://x"}]},
            'feeds[0].url: expected an http(s) URL, got "ftp://x"',
        ),
        ({"feeds": [FEED | {"type": "blog"}]}, "feeds[0].type: input should be"),
        ({"feeds": [FEED | {"urll": "x"}]}, "feeds[0].urll: unknown key (check the spelling)"),
        ({"feeds": [{"name": "A", "type": "ngo"}]}, "feeds[0].url: required key is missing"),
        ({"polling": {"every": "10s"}}, "polling.every: polls more than once a minute"),
        (
            {"http": {"max_body": "lots"}},
            'http.max_body: expected a size like "10MiB", got "lots"',
        ),
        (
            {"http": {"user_agent": "bot"}},
            "http.user_agent: expected a product name with a contact URL",
        ),
        ({"chats": {"timezone": "Mars/Olympus"}}, "chats.timezone: expected an IANA time zone"),
        ({"chats": {"hour": "25:00"}}, "chats.hour: string should match pattern"),
        ({"feeds": [FEED, FEED]}, "feeds[1].url: the same URL is already feeds[0]"),
        (
            {"feeds": [FEED, FEED | {"name": "B", "url": "HTTPS://Example.org/feed?"}]},
            "feeds[1].url: the same URL is already feeds[0]: HTTPS://Example.org/feed?",
        ),
        (
            {"feeds": [FEED, FEED | {"url": "https://example.org/other"}]},
            "feeds[1].name: the same name is already feeds[0]: A",
        ),
        ({"polling": {"every": "99999999d"}}, "polling.every: expected a duration from 1m to 30d"),
        ({"polling": {"every": "9" * 400 + "d"}}, "polling.every: expected a duration like"),
        ({"polling": {"tick": "0s"}}, "polling.tick: expected a duration from 1s to 1h, got 0s"),
        ({"polling": {"tick": "2h"}}, "polling.tick: expected a duration from 1s to 1h, got 2h"),
        ({"delivery": {"lease": "1s"}}, "delivery.lease: expected a duration from 5s to 1h"),
        (
            {"delivery": {"private_interval": "10ms"}},
            "delivery.private_interval: expected a duration from 100ms to 1h, got 10ms",
        ),
        ({"telegram": {"admins": [True]}}, "telegram.admins[0]: input should be a valid integer"),
        ({"telegram": {"admins": ["42"]}}, "telegram.admins[0]: input should be a valid integer"),
        ({"telegram": {"admins": [2**64]}}, "telegram.admins[0]: input should be less than"),
        ({"telegram": {"admins": [-5]}}, "telegram.admins[0]: input should be greater than 0"),
        ({"chats": {"timezone": "localtime"}}, "chats.timezone: expected an IANA time zone"),
        ({"chats": {"timezone": "right/UTC"}}, "chats.timezone: expected an IANA time zone"),
        ({"telegram": {"bot_token": "123:abc"}}, "the bot token must not be in the config file"),
        (
            {"topics": [TOPIC | {"slug": f"t{n}"} for n in range(31)]},
            "topics: at most 30 topics, for the buttons of /start and /topics; found 31",
        ),
        ({"storage": {"pool_size": 0}}, "storage.pool_size: input should be greater than or"),
        ({"storage": {"max_overflow": -1}}, "storage.max_overflow: input should be greater"),
        ({"storage": {"pool_size": "ten"}}, "storage.pool_size: input should be a valid integer"),
        (
            {"storage": {"pool_timeout": "0s"}},
            "storage.pool_timeout: expected a duration from 1s to 5m, got 0s",
        ),
        (
            {"storage": {"connect_timeout": "soon"}},
            'storage.connect_timeout: expected a duration like "15m", got "soon"',
        ),
        ({"storage": {"pool": 5}}, "storage.pool: unknown key (check the spelling)"),
    ],
)
def test_mistakes_are_explained(tmp_path, raw, message):
    assert message in check(raw, tmp_path)


def test_every_error_is_reported_not_just_the_first(tmp_path):
    raw = {
        "feeds": [
            FEED | {"every": "x"},
            FEED | {"name": "B", "url": "https://e.org/2", "type": "?"},
        ]
    }
    text = check(raw, tmp_path)
    assert "feeds[0].every" in text
    assert "feeds[1].type" in text


def test_broken_toml_and_missing_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[feeds\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml")


def test_relative_sqlite_paths_follow_the_config_file(tmp_path):
    config = parse_config({}, base_dir=tmp_path, environ={})
    assert config.storage.database_url == f"sqlite+aiosqlite:///{tmp_path / 'rights-digest.db'}"


def test_the_database_url_can_come_from_the_environment(tmp_path):
    url = "postgresql+asyncpg://digest@db/rights"
    env = {"RIGHTS_DIGEST_DATABASE_URL": url}
    assert parse_config({}, base_dir=tmp_path, environ=env).storage.database_url == url


def test_the_pool_settings_are_kept_and_a_postgresql_url_gets_the_async_driver(tmp_path):
    storage = {"database_url": "postgresql://digest@db/rights", "pool_size": 3}
    config = parse_config(
        {"storage": storage | {"pool_timeout": "5s"}}, base_dir=tmp_path, environ={}
    )
    assert config.storage.database_url == "postgresql+asyncpg://digest@db/rights"
    assert (config.storage.pool_size, config.storage.max_overflow) == (3, 10)
    assert config.storage.pool_timeout == timedelta(seconds=5)
    env = {"RIGHTS_DIGEST_DATABASE_URL": "postgres://digest:pw@db/rights"}
    from_env = parse_config({"storage": storage}, base_dir=tmp_path, environ=env).storage
    assert (from_env.database_url, from_env.pool_size) == (
        "postgresql+asyncpg://digest:pw@db/rights",
        3,
    )


def test_a_feed_interval_overrides_the_default(tmp_path):
    config = parse_config(
        {"feeds": [FEED | {"every": "2h"}, FEED | {"name": "B", "url": "https://e.org/b"}]},
        base_dir=tmp_path,
        environ={},
    )
    assert [config.interval_for(f) for f in config.feeds] == [
        timedelta(hours=2),
        timedelta(minutes=30),
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("1h30m", 5400), ("2d", 172800), ("500ms", 0.5), (45, 45)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["fast", "  ", "1x", "m5", "-5m", True, None, "5m fast"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match=re.escape(str(text))):
        parse_duration(text)


def test_sizes_and_duration_display():
    assert parse_size("10MiB") == 10 * 1024 * 1024
    assert parse_size("500 KB") == 500_000
    assert format_duration(timedelta(seconds=5400)) == "1h30m"


def test_allowed_hosts_are_host_names(tmp_path):
    config = parse_config(
        {"http": {"allow_hosts": ["Mirror.Intranet.", "10.0.0.7", "[fd00::1]"]}},
        base_dir=tmp_path,
        environ={},
    )
    assert config.http.allow_hosts == ("mirror.intranet", "10.0.0.7", "fd00::1")
    message = check({"http": {"allow_hosts": ["http://mirror.intranet/"]}}, tmp_path)
    assert (
        'http.allow_hosts[0]: expected a host name or address like intranet.example.org, got "http://mirror.intranet/"'
        in message
    )
