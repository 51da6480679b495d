"""The database schema as SQLAlchemy 2 typed models. Migrations in news/store/migrations create it.

Times are aware UTC datetimes (``UTCDateTime``); chat ids are 64-bit (supergroups need it).

Portable on purpose: no SQLite-only types or SQL, so PostgreSQL can take over later.
"""

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the backend keeps."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them on SQLite)."""

    metadata = MetaData(naming_convention=NAMING)


class Feed(Base):
    """A configured feed and its fetch state; the row outlives config edits of its name."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    fetch_url: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str] = mapped_column(String(200))
    source_type: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    last_status: Mapped[str] = mapped_column(String(40), default="new")
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    story_context: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The last document read whole (status ok): what it no longer carries may be pruned.
    last_parsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The poller fetching it now, and until when its claim holds (news.store.feeds).
    claim_owner: Mapped[str | None] = mapped_column(String(32))
    claim_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Story(Base):
    """One story, however many feeds carried it: keyed by the original publisher's URL.

    It shows one member's version (news.text.versions chooses it): ``feed_id`` is that
    member's feed, and the title, text, summary, credit and date are its own.
    """

    __tablename__ = "stories"
    # /latest walks it newest first (news.store.listing).
    __table_args__ = (Index("ix_stories_published", "published_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_key: Mapped[str] = mapped_column(String(2048), unique=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    original_url: Mapped[str | None] = mapped_column(String(2048))
    context_url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(300))
    publisher_url: Mapped[str | None] = mapped_column(String(2048))
    language: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    date_is_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # The date is the relaying feed's (BHRRC's "Published on"), not the publisher's.
    date_is_relayed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When it became news: the first feed's own date for the item, else first seen. Alerts and
    # digests push only what is recent by it; /latest sorts by ``published_at``.
    news_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set while the story-in-context link is being looked up (feeds with story_context).
    needs_context: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )


class Entry(Base):
    """Every item a feed carried: it is how a returning item stays old. Pruned by retention
    only once its feed has not carried it for the whole retention period.

    It keeps its own version of the story (title, summary, credit, date), so the version a
    story shows is chosen again from all of them whenever a member arrives."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("feed_id", "key"),
        Index("ix_entries_feed_link", "feed_id", "link_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    link_key: Mapped[str | None] = mapped_column(String(64))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str | None] = mapped_column(String(2048))
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    author: Mapped[str | None] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(300))
    publisher_url: Mapped[str | None] = mapped_column(String(2048))
    original_url: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_is_relayed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Refreshed at most once a SEEN_STEP (news.store.retention) while the feed carries it.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContextLink(Base):
    """Cache: the story-in-context URL an item URL resolved to (or why it did not)."""

    __tablename__ = "context_links"

    item_url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    context_url: Mapped[str | None] = mapped_column(String(2048))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoryTopic(Base):
    """A story matched a topic; ``terms`` says why (shown to subscribers)."""

    __tablename__ = "story_topics"
    __table_args__ = (Index("ix_story_topics_topic_seen", "topic", "matched_at"),)

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    terms: Mapped[str] = mapped_column(Text)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False for a feed's first read: its backlog is stored and listed, never pushed.
    announce: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Chat(Base):
    """A Telegram chat that uses the bot: its id, its type and its choices. Nothing else.

    Subscribers may be at risk: no names, usernames, language codes or message text, ever.
    """

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    digest_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", local to ``timezone``
    timezone: Mapped[str] = mapped_column(String(64))
    weekday: Mapped[str] = mapped_column(String(3))
    discreet: Mapped[bool] = mapped_column(Boolean, default=False)
    silent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    quiet_hours: Mapped[str | None] = mapped_column(String(11))  # "22:00-07:00", local
    # The language the chat chose (None until it does): a choice, never the user's own code.
    language: Mapped[str | None] = mapped_column(String(16))
    native_digits: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    inactive_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    group_notice_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    last_digest_period: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Subscription(Base):
    """A chat follows a topic from ``since`` on (older stories are for /latest, not alerts)."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_topic", "topic"),)

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime)


class Outbox(Base):
    """A message to push to a chat, from enqueued to sent (or failed, or cancelled).

    Claimed with a lease: a sender marks a row ``sending`` until ``lease_until``, naming itself
    in ``lease_owner``; if it dies, the row returns to the queue. At most that one in-flight
    message can be sent twice.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # One digest per chat and period; alerts have no period (NULLs never collide).
        UniqueConstraint("chat_id", "period", "part"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_open", "state", "id"),  # claims read the due rows oldest first
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # alert | digest | batch
    period: Mapped[str | None] = mapped_column(String(32))
    part: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    stories: Mapped[str] = mapped_column(Text, default="")  # ids, comma-separated
    is_html: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(32))  # the sender holding the lease
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """A story went (or is on its way) to a chat: the primary key makes a repeat impossible."""

    __tablename__ = "deliveries"

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Leader(Base):
    """Which process leads a role (``updates``, ``send``, ``schedule``), and until when.

    Renewed by its holder every third of the lease; taken over by another once expired, or
    at once by a process on the same host that sees the holder is dead (``bot.leadership``).
    """

    __tablename__ = "leaders"

    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(32))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    # The holding process: its host name, pid, and what tells it from a later process given
    # the same pid ("" where unknown: such a holder is never taken to be dead).
    host: Mapped[str] = mapped_column(String(255), default="", server_default="")
    pid: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started: Mapped[str] = mapped_column(String(100), default="", server_default="")


class RateShare(Base):
    """What one pacing role (``updates``, ``send``) paces at, wants, and until when its
    grant holds: split processes lend each other the token's idle rate (``bot.rate_share``).
    """

    __tablename__ = "rate_shares"

    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(32))
    rate: Mapped[float] = mapped_column(Float)
    wants: Mapped[float] = mapped_column(Float)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
