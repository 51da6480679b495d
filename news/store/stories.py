"""Stories and the entries that carried them.

An entry is new only if its feed never carried the same identity key nor (when it has one) the
same link key. A new entry joins the story with the same original-publisher URL, or a new one.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from news.models import DueFeed, Entry, StoredStory
from news.store.bulk import insert_ignoring_duplicates, update_by_id
from news.store.db import Database
from news.store.feeds import PollRecord, write_polls
from news.store.retention import mark_seen
from news.store.tables import Base, Story
from news.store.versions import show_chosen_versions
from news.text.cluster import HeadlineIndex

MAX_NAME = 300  # an author's or publisher's column
# The advisory lock saves take on PostgreSQL ("RDSAVE" in ASCII).
SAVE_LOCK = 0x524453415645
CHUNK = 400  # bound parameters per IN (...) list; SQLite allows 32766, keep queries small
# Storing goes through Core: the ORM's bookkeeping spent more CPU than SQLite did.
STORIES = Base.metadata.tables["stories"]
ENTRIES = Base.metadata.tables["entries"]
STORY_TOPICS = Base.metadata.tables["story_topics"]
# What enriching a stored story reads (and may change): never its text, which may be long.
_KNOWN = [STORIES.c[name] for name in ("id", "url_key", "context_url", "news_at", "needs_context")]
Known = dict[str, Any]  # a stored story as ``_KNOWN`` reads it
# Built once, the lists bound at execution: a statement built per call spent more CPU on
# building and coercing its IN lists than SQLite spent running it.
_KNOWN_BY = {
    column: select(*_KNOWN).where(STORIES.c[column].in_(bindparam("values", expanding=True)))
    for column in ("id", "url_key")
}
_NEW_STORIES = insert(STORIES).returning(STORIES.c.id, STORIES.c.url_key)
_NEW_ENTRIES = insert(ENTRIES)
_SEEN = select(ENTRIES.c.key, ENTRIES.c.link_key).where(
    ENTRIES.c.feed_id == bindparam("feed_id"),
    or_(
        ENTRIES.c.key.in_(bindparam("keys", expanding=True)),
        ENTRIES.c.link_key.in_(bindparam("link_keys", expanding=True)),
    ),
)


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What storing one document changed."""

    new_stories: tuple[StoredStory, ...]
    merged: int  # entries that joined a story another feed had already brought
    seen: int  # entries this feed had carried before


async def save_entries(
    db: Database,
    feed: DueFeed,
    entries: Sequence[Entry],
    now: datetime,
    headlines: HeadlineIndex | None = None,
    poll: PollRecord | None = None,
    present: frozenset[str] = frozenset(),
    *,
    owner: str | None = None,
) -> SaveResult:
    """Store the entries ``feed`` has not carried before; return the stories that are new.
    The feed still carries the others and the ``present`` keys (known entries the parser
    did not return): they are marked seen, so retention keeps them.

    An entry joins an existing story with the same original URL, or (given ``headlines``) a
    recent story from another feed with the same headline. Bulk statements only: a cold poll
    stores thousands of entries and a round trip each would dominate the cycle. The index of
    headlines is read and added to inside the write, so one save at a time touches it.

    Given ``poll``, the feed's poll outcome (its new validators) is written in the same
    transaction: the stories and the record that they were read are stored together or not at
    all, in one commit instead of two, and ``owner``'s claim on the feed ends with them.
    """
    return await db.write(
        partial(
            _save,
            feed=feed,
            entries=entries,
            now=now,
            headlines=headlines,
            poll=poll,
            present=present,
            owner=owner,
        )
    )


def _save(
    session: Session,
    *,
    feed: DueFeed,
    entries: Sequence[Entry],
    now: datetime,
    headlines: HeadlineIndex | None,
    poll: PollRecord | None,
    present: frozenset[str] = frozenset(),
    owner: str | None = None,
) -> SaveResult:
    if headlines is not None and session.get_bind().dialect.name == "postgresql":
        # One save at a time across pollers, as a SQLite file's one writer gives anyway:
        # each then sees the stories the others stored, to join one by its headline.
        session.execute(select(func.pg_advisory_xact_lock(SAVE_LOCK)))
    fresh = _unseen(session, feed.id, entries)
    if len(fresh) < len(entries) or present:
        new_keys = {e.key for e in fresh}
        still = present.union(e.key for e in entries if e.key not in new_keys)
        mark_seen(session, feed.id, still, now)
    existing = _stories_by_url_key(session, [e.url_key for e in fresh])
    if headlines is not None and any(e.url_key not in existing for e in fresh):
        # Other pollers store stories too: their headlines first, as far as committed.
        index_headlines(session, headlines, now - headlines.window, after=headlines.newest)
        existing |= _same_headlines(session, feed, fresh, existing, headlines, now)
    one_each: dict[int, Known] = {}  # one dict per story, however many keys lead to it
    existing = {key: one_each.setdefault(s["id"], s) for key, s in existing.items()}
    first_by_key: dict[str, Entry] = {}
    changes: dict[int, dict[str, object]] = {}
    for entry in fresh:
        if (known := existing.get(entry.url_key)) is None:
            first_by_key.setdefault(entry.url_key, entry)
        elif change := enrichment(known, feed, entry):
            known.update(change)  # the feed's next entry for this story sees it
            changes.setdefault(known["id"], {}).update(change)
    story_ids = {key: known["id"] for key, known in existing.items()}
    story_ids |= _insert_stories(session, feed, list(first_by_key.values()), now)
    update_by_id(session, STORIES, changes)
    _insert_entries(session, feed.id, fresh, story_ids, now)
    _insert_topics(session, fresh, story_ids, now, announce=not feed.never_read)
    # A story that gained a member shows the version chosen from all of them.
    grown = [story_ids[e.url_key] for e in fresh if first_by_key.get(e.url_key) is not e]
    show_chosen_versions(session, grown)
    created = tuple(
        _stored(story_ids[key], feed, entry, now) for key, entry in first_by_key.items()
    )
    if headlines is not None:
        for story in created:
            headlines.add(story.id, feed.id, story.title, now)
    if poll is not None:
        write_polls(session, [(feed.id, poll)], now, owner=owner)
    merged = sum(1 for e in fresh if e.url_key in existing)
    return SaveResult(created, merged, len(entries) - len(fresh))


def _same_headlines(
    session: Session,
    feed: DueFeed,
    fresh: Sequence[Entry],
    existing: dict[str, Known],
    headlines: HeadlineIndex,
    now: datetime,
) -> dict[str, Known]:
    """Stories other feeds brought with the same headline, by the new entries' URL keys."""
    matches = {
        entry.url_key: story_id
        for entry in fresh
        if entry.url_key not in existing
        and (story_id := headlines.find(entry.title, feed.id, now)) is not None
    }
    if not matches:
        return {}
    by_id = {story["id"]: story for story in _known(session, "id", matches.values())}
    return {key: by_id[i] for key, i in matches.items() if i in by_id}


def index_headlines(
    session: Session, index: HeadlineIndex, since: datetime, *, after: int = 0
) -> None:
    """Add to ``index`` the headline of every story found since ``since`` whose id is above
    ``after`` (run by db.write)."""
    query = select(Story.id, Story.feed_id, Story.title, Story.first_seen_at).where(
        Story.first_seen_at >= since, Story.id > after
    )
    for story_id, feed_id, title, seen in session.execute(query):
        index.add(story_id, feed_id, title, seen)


async def recent_keys(db: Database, feed_id: int, limit: int) -> frozenset[str]:
    """The identity keys of the last ``limit`` entries ``feed_id`` carried."""
    query = (
        select(ENTRIES.c.key)
        .where(ENTRIES.c.feed_id == feed_id)
        .order_by(ENTRIES.c.id.desc())
        .limit(limit)
    )
    return await db.read(lambda session: frozenset(session.scalars(query).all()))


def _unseen(session: Session, feed_id: int, entries: Sequence[Entry]) -> list[Entry]:
    keys = [e.key for e in entries]
    link_keys = [e.link_key for e in entries if e.link_key]
    seen_keys: set[str] = set()
    seen_links: set[str] = set()
    for start in range(0, max(len(keys), len(link_keys)), CHUNK):
        chunk = {
            "feed_id": feed_id,
            "keys": keys[start : start + CHUNK],
            "link_keys": link_keys[start : start + CHUNK],
        }
        for key, link_key in session.execute(_SEEN, chunk).all():
            seen_keys.add(key)
            if link_key:
                seen_links.add(link_key)
    return [
        e
        for e in entries
        if e.key not in seen_keys and (e.link_key is None or e.link_key not in seen_links)
    ]


def _stories_by_url_key(session: Session, url_keys: list[str]) -> dict[str, Known]:
    return {story["url_key"]: story for story in _known(session, "url_key", url_keys)}


def _known(session: Session, column: str, values: Iterable[object]) -> list[Known]:
    """The stories whose ``column`` is one of ``values``, as ``_KNOWN`` reads them."""
    wanted = list(dict.fromkeys(values))
    found: list[Known] = []
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(_KNOWN_BY[column], {"values": wanted[start : start + CHUNK]})
        found += [row._asdict() for row in rows]
    return found


def _insert_stories(
    session: Session, feed: DueFeed, entries: Sequence[Entry], now: datetime
) -> dict[str, int]:
    if not entries:
        return {}
    rows = [_story_values(feed, entry, now) for entry in entries]
    result = session.execute(_NEW_STORIES, rows)
    return {url_key: story_id for story_id, url_key in result.all()}


def _story_values(feed: DueFeed, entry: Entry, now: datetime) -> dict[str, object]:
    """A new story: its first member's version (the one any choice among one would make)."""
    return {
        "url_key": entry.url_key,
        "feed_id": feed.id,
        "url": entry.url,
        "original_url": entry.original_url,
        "context_url": entry.context_url,
        "title": entry.title,
        "text": entry.text,
        "summary": entry.summary,
        "author": _name(entry.author),
        "publisher": _name(entry.publisher),
        "publisher_url": entry.publisher_url,
        "language": feed.language,
        "published_at": entry.published or now,
        "date_is_estimated": entry.published is None,
        "date_is_relayed": entry.date_is_relayed,
        "first_seen_at": now,
        "news_at": min(entry.listed or now, now),
        "needs_context": feed.story_context and entry.context_url is None and bool(entry.url),
    }


def _name(value: str | None) -> str | None:
    """A name as its column keeps it: PostgreSQL refuses a longer one, and with it the save."""
    return value[:MAX_NAME] if value else value


def enrichment(story: Mapping[str, Any], feed: DueFeed, entry: Entry) -> dict[str, object]:
    """What a second outlet adds to a stored story that belongs to the story, not to one
    version of it: a context link (or a feed to resolve one from), and a later "news" date.
    The version shown (title, summary, credit, date) is chosen from all members instead."""
    change: dict[str, object] = {}
    if (
        feed.story_context
        and not story["needs_context"]
        and not story["context_url"]
        and not entry.context_url
        and entry.url
    ):
        change["needs_context"] = True  # resolved from this feed's item page
    if entry.context_url and not story["context_url"]:
        change["context_url"] = entry.context_url
    if not feed.never_read and entry.listed and entry.listed > story["news_at"]:
        change["news_at"] = entry.listed  # another feed relays it as news today
    return change


def _insert_entries(
    session: Session,
    feed_id: int,
    entries: Sequence[Entry],
    story_ids: dict[str, int],
    now: datetime,
) -> None:
    if not entries:
        return
    rows = [
        {
            "feed_id": feed_id,
            "key": e.key,
            "link_key": e.link_key,
            "story_id": story_ids[e.url_key],
            "guid": e.guid[:2048] if e.guid else None,
            "url": e.url,
            "title": e.title,
            "text": e.text,
            "summary": e.summary,
            "author": _name(e.author),
            "publisher": _name(e.publisher),
            "publisher_url": e.publisher_url,
            "original_url": e.original_url,
            "published_at": e.published,
            "date_is_relayed": e.date_is_relayed,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for e in entries
    ]
    session.execute(_NEW_ENTRIES, rows)


def _insert_topics(
    session: Session,
    entries: Sequence[Entry],
    story_ids: dict[str, int],
    now: datetime,
    *,
    announce: bool,
) -> None:
    rows = [
        {
            "story_id": story_ids[e.url_key],
            "topic": hit.slug,
            "terms": json.dumps(hit.terms, ensure_ascii=False),
            "matched_at": now,
            "announce": announce,
        }
        for e in entries
        for hit in e.topics
    ]
    if rows:
        session.execute(insert_ignoring_duplicates(session, STORY_TOPICS), rows)


def _stored(story_id: int, feed: DueFeed, entry: Entry, now: datetime) -> StoredStory:
    return StoredStory(
        id=story_id,
        title=entry.title,
        summary=entry.summary,
        url=entry.url,
        original_url=entry.original_url,
        context_url=entry.context_url,
        outlet=feed.name,
        author=entry.author,
        publisher=entry.publisher,
        published=entry.published or now,
        first_seen=now,
        language=feed.language,
        source_type=feed.source_type,
        topics=entry.topics,
        date_is_relayed=entry.date_is_relayed,
    )
