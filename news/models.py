"""Plain values passed between the pipeline's steps (no ORM rows, no IO)."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# A story's authors share its one ``author`` field (and column), in order, separated by this
# character. No name can hold it: names lose their control characters (news.text.invisible).
AUTHOR_SEPARATOR = "\x1f"


def author_names(author: str | None) -> tuple[str, ...]:
    """The names in an ``author`` field (one, in a row stored before there were several)."""
    return tuple(name for name in (author or "").split(AUTHOR_SEPARATOR) if name.strip())


class FeedStatus(StrEnum):
    """What the last poll of a feed came to, as shown to admins."""

    NEW = "new"
    OK = "ok"
    NOT_MODIFIED = "not modified"
    GONE = "gone"
    RATE_LIMITED = "rate limited"
    BLOCKED = "blocked by anti-bot wall"
    NOT_A_FEED = "not a feed"
    HTTP_ERROR = "http error"
    TIMEOUT = "timeout"
    NETWORK = "network error"
    TOO_LARGE = "too large"
    REDIRECTS = "redirect error"
    PARSE_ERROR = "parse error"
    INTERNAL = "internal error"


@dataclass(frozen=True, slots=True)
class Validators:
    """What the last successful fetch left us for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class DueFeed:
    """A feed whose poll is due, with what fetching it needs."""

    id: int
    name: str
    url: str  # where to fetch: the configured URL, or where it permanently moved
    config_url: str
    language: str
    source_type: str
    validators: Validators
    error_count: int
    story_context: bool = False
    last_status: FeedStatus = FeedStatus.NEW
    last_error: str | None = None
    never_read: bool = False  # no poll has succeeded yet: what it brings is backlog


@dataclass(frozen=True, slots=True)
class FeedContext:
    """What the pure steps need to know about the feed a document came from."""

    url: str
    name: str
    source_type: str
    language: str


class ParseError(Exception):
    """The document is not a feed we can read; the message says why, for the admin."""


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One feed item as the parser saw it, before cleaning."""

    guid: str | None
    link: str | None
    title: str
    html: str
    authors: tuple[str, ...]  # as the feed gave them: decoded, no tags or emails, maybe twice
    published: datetime | None
    updated: datetime | None
    # RSS/Atom <source>: the outlet the item first appeared in (its name, its site or feed).
    source: str | None = None
    source_url: str | None = None


@dataclass(frozen=True, slots=True)
class RawFeed:
    """A parsed document: its items plus a warning if the parser had to recover."""

    title: str | None
    entries: tuple[RawEntry, ...]
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """A story matched ``slug``; ``terms`` are the configured terms that matched, for "why"."""

    slug: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """A cleaned item ready to store: identity, text, links and the topics it matched."""

    key: str
    link_key: str | None
    url_key: str
    guid: str | None
    url: str | None
    title: str
    text: str  # text and summary are empty when no topic matched: nobody will read them
    summary: str
    author: str | None  # every name, in order, AUTHOR_SEPARATOR between them
    publisher: str | None
    published: datetime | None
    original_url: str | None
    context_url: str | None
    topics: tuple[TopicMatch, ...] = ()
    # When the item became news in this feed (its own date, not the byline's): an aggregator
    # relaying a week-old article today is news today; an archive item dated 2019 is not.
    listed: datetime | None = None
    # Where the credited ``publisher`` lives (the original link, or <source>'s URL): with its
    # name, how it is matched to a configured feed for its source type.
    publisher_url: str | None = None
    # ``published`` is the relaying feed's date (BHRRC's "Published on"), not the publisher's.
    date_is_relayed: bool = False


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """Everything the CPU-bound step hands back for one document."""

    entries: tuple[Entry, ...]
    warning: str | None = None
    skipped: int = 0  # items not returned: repeated in the document, or known already
    present: frozenset[str] = frozenset()  # the keys of the known ones: still in the feed


@dataclass(frozen=True, slots=True)
class StoredStory:
    """A story as subscribers see it, read back from the store."""

    id: int
    title: str
    summary: str
    url: str | None
    original_url: str | None
    context_url: str | None
    outlet: str
    author: str | None
    publisher: str | None
    published: datetime
    first_seen: datetime
    language: str
    source_type: str
    also_reported_by: tuple[str, ...] = ()
    topics: tuple[TopicMatch, ...] = field(default=())
    publisher_type: str | None = None  # the credited publisher's type, from the config
    date_is_relayed: bool = False  # ``published`` is the relaying outlet's date


@dataclass(frozen=True, slots=True)
class FeedReport:
    """One feed's part of a poll cycle, for the printed table and the logs."""

    feed_id: int
    name: str
    status: FeedStatus
    new_stories: tuple[StoredStory, ...] = ()
    message: str | None = None
    http_status: int | None = None
    next_poll: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """A chat's preferences: all the bot keeps about it."""

    id: int
    type: str
    mode: str
    digest_time: str
    timezone: str
    weekday: str
    discreet: bool
    silent: bool = False  # pushes arrive without sound
    quiet_hours: str | None = None  # "22:00-07:00" in ``timezone``: instant alerts wait
    active: bool = True
    group_notice_sent: bool = False
    language: str | None = None  # None until the chat picks one: the config's default
    native_digits: bool = True  # numbers in the language's own digits, if it has them

    @property
    def is_group(self) -> bool:
        """Groups and supergroups: members share what the chat follows."""
        return self.type in ("group", "supergroup")


@dataclass(frozen=True, slots=True)
class NextPoll:
    """The schedule decision for one feed."""

    at: datetime | None
    error_count: int
    disabled_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ContextResult:
    """The story-in-context URL, or why there is none (``error``; None means "not found").
    ``retry`` is False when asking again cannot help (the policy refused the URL)."""

    context_url: str | None
    error: str | None = None
    retry: bool = True
