"""The admin's TOML file, validated into frozen models.

Every error names the key and the bad value (``feeds[3].every: expected a duration like "15m",
got "fast"``). The bot token never lives here: it comes from ``TELEGRAM_BOT_TOKEN``.
"""

import os
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from news.i18n.catalogs import SOURCE, available_languages
from news.text.urls import canonical_url
from news.topics.config import (
    SourceType,
    TopicConfig,
    check_topic_languages,
    check_topic_references,
)
from news.units import format_duration, parse_duration, parse_size

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # noqa: S105 (the variable's name, not a secret)
DATABASE_URL_ENV = "RIGHTS_DIGEST_DATABASE_URL"
MAX_TOPICS = 30  # what /start and /topics are laid out for

DeliveryMode = Literal["instant", "daily", "weekly", "off"]


class ConfigError(Exception):
    """The config file is missing, unreadable or invalid; the message says where."""


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    try:
        return parse_duration(value)
    except ValueError:
        raise PydanticCustomError(
            "duration", 'expected a duration like "15m", got {value}', {"value": _show(value)}
        ) from None


def _size(value: object) -> int:
    try:
        return parse_size(value)
    except ValueError:
        raise PydanticCustomError(
            "size", 'expected a size like "10MiB", got {value}', {"value": _show(value)}
        ) from None


def _within(low: timedelta, high: timedelta) -> AfterValidator:
    """Every duration has bounds: "0s" would spin a loop, and "99999999d" passes for a
    duration but fails wherever it is added to a date."""

    def check(value: timedelta) -> timedelta:
        if not low <= value <= high:
            raise PydanticCustomError(
                "duration_range",
                "expected a duration from {low} to {high}, got {value}",
                {"low": _span(low), "high": _span(high), "value": _span(value)},
            )
        return value

    return AfterValidator(check)


def _span(value: timedelta) -> str:
    if value >= SECOND or not value:
        return format_duration(value)
    return f"{value / _MS:g}ms"


_MS = timedelta(milliseconds=1)
SECOND, MINUTE, HOUR, DAY = (timedelta(seconds=n) for n in (1, 60, 3600, 86400))


# Durations by what they bound: each key's type says its range.
ConnectTimeout = Annotated[timedelta, BeforeValidator(_duration), _within(SECOND, 5 * MINUTE)]
Timeout = Annotated[timedelta, BeforeValidator(_duration), _within(SECOND, HOUR)]
Pause = Annotated[timedelta, BeforeValidator(_duration), _within(100 * _MS, HOUR)]
Lease = Annotated[timedelta, BeforeValidator(_duration), _within(5 * SECOND, HOUR)]


def _at_least_one_minute(value: timedelta) -> timedelta:
    if value < timedelta(minutes=1):
        raise PydanticCustomError(
            "too_often",
            "polls more than once a minute are impolite to publishers, got {value}",
            {"value": f"{value.total_seconds():g}s"},
        )
    return value


PollInterval = Annotated[
    timedelta,
    BeforeValidator(_duration),
    AfterValidator(_at_least_one_minute),
    _within(MINUTE, 30 * DAY),
]


Size = Annotated[int, BeforeValidator(_size)]


def _show(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError(
            "http_url", "expected an http(s) URL, got {value}", {"value": _show(value)}
        )
    return value


def _host_name(value: str) -> str:
    host = value.strip().rstrip(".").lower()
    if not host or (any(c in host for c in "/:@ ?#") and not host.startswith("[")):
        raise PydanticCustomError(
            "host",
            "expected a host name or address like intranet.example.org, got {value}",
            {"value": _show(value)},
        )
    return host.strip("[]")


class StorageConfig(_Section):
    """Where stories, chats and the outbox live; the pool keys apply to PostgreSQL only."""

    database_url: str = "sqlite+aiosqlite:///rights-digest.db"
    pool_size: int = Field(default=10, ge=1, le=200)
    max_overflow: int = Field(default=10, ge=0, le=200)
    pool_timeout: ConnectTimeout = timedelta(seconds=30)
    connect_timeout: ConnectTimeout = timedelta(seconds=10)


class HttpConfig(_Section):
    """How feeds are fetched: politely, with hard limits."""

    user_agent: str = "RightsDigest/0.1 (+https://github.com/rights-digest/rights-digest)"
    connect_timeout: ConnectTimeout = timedelta(seconds=10)
    total_timeout: Timeout = timedelta(seconds=30)
    max_body: Size = 10 * 1024 * 1024
    concurrency: int = Field(default=64, ge=1, le=512)
    per_host: int = Field(default=4, ge=1, le=64)
    max_redirects: int = Field(default=5, ge=0, le=20)
    # Hosts that URLs from feed content (redirects, item links) may reach although they are
    # not public, e.g. an intranet mirror. A feed's own host is always allowed.
    allow_hosts: tuple[Annotated[str, AfterValidator(_host_name)], ...] = ()

    @field_validator("user_agent")
    @classmethod
    def _has_contact(cls, value: str) -> str:
        if "http://" not in value and "https://" not in value:
            raise PydanticCustomError(
                "user_agent",
                "expected a product name with a contact URL, like "
                '"RightsDigest/1.0 (+https://example.org/contact)", got {value}',
                {"value": _show(value)},
            )
        return value


class PollingConfig(_Section):
    """Default schedule for every feed; a feed may override ``every``."""

    every: PollInterval = timedelta(minutes=30)
    max_backoff: PollInterval = timedelta(hours=24)
    tick: Timeout = timedelta(seconds=30)
    parse_timeout: Timeout = timedelta(seconds=60)
    parse_workers: int | None = Field(default=None, ge=0, le=64)


class FeedConfig(_Section):
    """One source the admin wants polled."""

    name: str = Field(min_length=1, max_length=200)
    url: str
    type: SourceType
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    every: PollInterval | None = None
    enabled: bool = True
    story_context: bool = False

    _url = field_validator("url")(_check_http_url)


def _listen_address(value: str) -> str:
    """ "HOST:PORT", ":PORT" or "PORT" (loopback) to "HOST:PORT"."""
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise PydanticCustomError(
            "listen",
            'expected "HOST:PORT" or ":PORT", like "127.0.0.1:9464", got {value}',
            {"value": _show(value)},
        )
    return f"{host.strip('[]') or '127.0.0.1'}:{port}"


def _webhook_url(value: str) -> str:
    parts = urlsplit(_check_http_url(value))
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not loopback:
        raise PydanticCustomError(
            "webhook_url",
            "Telegram posts only to https URLs, got {value}",
            {"value": _show(value)},
        )
    return value


class WebhookConfig(_Section):
    """Updates pushed by Telegram instead of long polling: ``url`` is the public https
    address (a reverse proxy in front passes it on to ``listen``). Each start sets a new
    random secret that Telegram sends with every update; other requests are refused."""

    url: Annotated[str, AfterValidator(_webhook_url)]
    listen: Annotated[str, AfterValidator(_listen_address)] = "127.0.0.1:8443"


class TelegramConfig(_Section):
    """Talking to Telegram; ``api_base_url`` can point at a self-hosted Bot API server."""

    api_base_url: str = "https://api.telegram.org"
    # Strict: TOML's true is not user 1, nor "42" user 42; a Telegram user id is positive
    # and fits in 64 bits.
    admins: tuple[Annotated[StrictInt, Field(gt=0, lt=2**63)], ...] = ()
    webhook: WebhookConfig | None = None

    _url = field_validator("api_base_url")(_check_http_url)


class ChatDefaults(_Section):
    """What a new chat starts with, until it changes its settings."""

    mode: DeliveryMode = "daily"
    hour: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "Asia/Phnom_Penh"
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    # Until a chat picks its own (/start asks): replies, pushes and the bot's profile.
    language: str = SOURCE

    @field_validator("language")
    @classmethod
    def _has_catalog(cls, value: str) -> str:
        if value not in available_languages():
            raise PydanticCustomError(
                "language",
                "expected a language with a catalog ({languages}), got {value}",
                {"languages": ", ".join(available_languages()), "value": _show(value)},
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from news.delivery.timezones import is_known_zone

        if not is_known_zone(value):
            raise PydanticCustomError(
                "timezone",
                'expected an IANA time zone like "Asia/Phnom_Penh", got {value}',
                {"value": _show(value)},
            )
        return value


class DeliveryConfig(_Section):
    """How fast and how persistently the sender pushes messages."""

    global_rate: float = Field(default=28.0, gt=0, le=30)
    private_interval: Pause = timedelta(seconds=1)
    group_per_minute: int = Field(default=20, ge=1, le=20)
    coalesce_after: int = Field(default=5, ge=1)
    max_attempts: int = Field(default=8, ge=1)
    retry_base: Pause = timedelta(seconds=2)
    lease: Lease = timedelta(seconds=60)

    @model_validator(mode="before")
    @classmethod
    def _removed(cls, data: object) -> object:
        """A key an older config may still set: say what replaced it, not just "unknown"."""
        if isinstance(data, dict) and "reply_share" in data:
            raise PydanticCustomError(
                "removed",
                "delivery.reply_share was removed: split updates and send processes now lend "
                "each other the idle rate; delete the line",
            )
        return data


class RolesConfig(_Section):
    """Leaders: one process sends and one schedules; the others stand by to take over."""

    # The leader renews every third of it; a standby takes over once it has run out (or at
    # once, on the holder's host, if the holder died: a restart after a kill -9).
    lease: Lease = timedelta(seconds=15)


class RetentionConfig(_Section):
    """How long stories are kept once their feeds no longer carry them."""

    # At least a month: a weekly digest and a late subscriber's /latest still need them.
    stories: Annotated[timedelta, BeforeValidator(_duration), _within(30 * DAY, 3650 * DAY)] = (
        timedelta(days=180)
    )


class HealthConfig(_Section):
    """The health and metrics listener (``/healthz``, ``/metrics``); off unless ``listen`` is
    set. A bare port listens on loopback only: what it tells is for the operator."""

    listen: Annotated[str, AfterValidator(_listen_address)] | None = None


class Config(_Section):
    """The whole validated config file."""

    storage: StorageConfig = StorageConfig()
    http: HttpConfig = HttpConfig()
    polling: PollingConfig = PollingConfig()
    telegram: TelegramConfig = TelegramConfig()
    chats: ChatDefaults = ChatDefaults()
    delivery: DeliveryConfig = DeliveryConfig()
    roles: RolesConfig = RolesConfig()
    retention: RetentionConfig = RetentionConfig()
    health: HealthConfig = HealthConfig()
    feeds: tuple[FeedConfig, ...] = ()
    topics: tuple[TopicConfig, ...] = ()

    @field_validator("topics")
    @classmethod
    def _few_enough_topics(cls, topics: tuple[TopicConfig, ...]) -> tuple[TopicConfig, ...]:
        # /start shows a button for every topic; Telegram takes at most 100 under a message.
        if len(topics) > MAX_TOPICS:
            raise PydanticCustomError(
                "topic",
                "at most {most} topics, for the buttons of /start and /topics; found {count}",
                {"most": MAX_TOPICS, "count": len(topics)},
            )
        return topics

    @model_validator(mode="after")
    def _unique_feeds(self) -> "Config":
        """One feed, one entry: not the same URL again in another case or with tracking
        parameters, credentials or an empty "?"; and no name twice, since topics and admins
        tell feeds apart by name."""
        urls: dict[str, int] = {}
        names: dict[str, int] = {}
        for index, feed in enumerate(self.feeds):
            for seen, key, what, value in (
                (urls, canonical_url(feed.url), "url: the same URL", feed.url),
                (names, feed.name.strip().casefold(), "name: the same name", feed.name),
            ):
                if key in seen:
                    raise PydanticCustomError(
                        "duplicate_feed",
                        "feeds[{index}].{what} is already feeds[{first}]: {value}",
                        {"index": index, "what": what, "first": seen[key], "value": value},
                    )
                seen[key] = index
        return self

    @model_validator(mode="after")
    def _topics_refer_to_feeds(self) -> "Config":
        check_topic_references(self.topics, {feed.name for feed in self.feeds})
        check_topic_languages(self.topics, available_languages(), SOURCE)
        return self

    def interval_for(self, feed: FeedConfig) -> timedelta:
        """The poll interval of one feed: its own, else the default."""
        return feed.every or self.polling.every


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate ``path``; raise ConfigError naming the key and value on any problem."""
    environ = os.environ if environ is None else environ
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (copy config.example.toml to start)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse_config(raw, base_dir=path.parent, environ=environ, source=str(path))


def parse_config(
    raw: dict[str, Any],
    *,
    base_dir: Path,
    environ: Mapping[str, str],
    source: str = "config",
) -> Config:
    """Validate an already-parsed TOML document."""
    if any("token" in key.lower() for key in _all_keys(raw)):
        raise ConfigError(
            f"{source}: the bot token must not be in the config file; set {TOKEN_ENV} instead"
        )
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(f"{source}: " + "\n  ".join(_describe(error))) from None
    url = environ.get(DATABASE_URL_ENV) or config.storage.database_url
    url = _anchor_sqlite(_with_async_driver(url), base_dir)
    return config.model_copy(
        update={"storage": config.storage.model_copy(update={"database_url": url})}
    )


def _all_keys(raw: object) -> list[str]:
    if isinstance(raw, dict):
        return [str(k) for k in raw] + [k for v in raw.values() for k in _all_keys(v)]
    if isinstance(raw, list):
        return [k for v in raw for k in _all_keys(v)]
    return []


def _with_async_driver(url: str) -> str:
    """``postgresql://`` (how servers and hosts write it) means our driver, asyncpg."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql+asyncpg://{rest}" if sep and scheme in ("postgresql", "postgres") else url


def _anchor_sqlite(url: str, base_dir: Path) -> str:
    """Resolve a relative SQLite path against the config file's folder, not the CWD."""
    prefix, sep, path = url.partition(":///")
    if not prefix.startswith("sqlite") or not sep or not path or path.startswith((":", "/")):
        return url
    return f"{prefix}:///{(base_dir / path).resolve()}"


def _describe(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors(include_url=False):
        loc = _format_loc(item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(f"{loc}: unknown key (check the spelling)")
        elif item["type"] == "missing":
            lines.append(f"{loc}: required key is missing")
        elif item["type"] in _OWN_ERRORS:
            message = item["msg"]
            bare = (
                item["type"] in ("duplicate_feed", "removed") or not item["loc"]
            )  # the message names its key
            lines.append(message if bare else f"{loc}: {message}")
        else:
            lines.append(f"{loc}: {_lower_first(item['msg'])}, got {_show(item['input'])}")
    return lines


_OWN_ERRORS = {
    "host",
    "duration",
    "duration_range",
    "size",
    "http_url",
    "user_agent",
    "too_often",
    "timezone",
    "duplicate_feed",
    "topic",
    "removed",
}


def _format_loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith("function-"):
            text += f".{part}" if text else part
    return text or "(top level)"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
