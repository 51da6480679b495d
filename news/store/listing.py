"""Stories as readers see them: the latest for some topics, or by id, each with its outlets
and its topic matches. Reads only, run whole by ``Database.read``."""

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache, partial

from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.orm import Session

from news.models import StoredStory, TopicMatch
from news.store.db import Database
from news.store.stories import CHUNK
from news.store.tables import Entry as EntryRow
from news.store.tables import Feed, Story, StoryTopic
from news.text.outlets import Outlet, OutletTypes

SPARSE = 500  # matches at most which /latest sorts rather than walks the date index
Cursor = tuple[datetime, int]  # (published, story id) of the last story a page showed


async def latest_stories(
    db: Database, topics: Sequence[str], *, limit: int, before: Cursor | None = None
) -> list[StoredStory]:
    """The newest stories matched to any of ``topics`` by publication date (first seen where
    the feed gave none), newest first, with outlets; only those older than ``before``."""
    return await db.read(partial(_latest_stories, topics=topics, limit=limit, before=before))


async def load_stories(db: Database, story_ids: Sequence[int]) -> dict[int, StoredStory]:
    """Stories by id, each with its first outlet, the other outlets and its topic matches."""
    return await db.read(partial(_load_stories, story_ids=story_ids))


def _latest_stories(
    session: Session, *, topics: Sequence[str], limit: int, before: Cursor | None
) -> list[StoredStory]:
    """Two plans, chosen by how many matches the topics have (counted up to ``SPARSE``, on
    ``ix_story_topics_topic_seen`` alone). Few: sort them. Many: walk ``ix_stories_published``
    newest first until ``limit`` match, each checked on story_topics' primary key. Either
    reads a bounded number of rows; the walk alone read every story for an unmatched topic."""
    slugs = list(dict.fromkeys(topics))
    in_topics = StoryTopic.topic.in_(slugs)
    some = select(StoryTopic.story_id).where(in_topics).limit(SPARSE + 1).subquery()
    sparse = (session.scalar(select(func.count()).select_from(some)) or 0) <= SPARSE
    query = select(Story.id).order_by(Story.published_at.desc(), Story.id.desc()).limit(limit)
    if sparse:
        query = query.where(Story.id.in_(select(StoryTopic.story_id).where(in_topics)))
    else:
        query = query.where(exists().where(StoryTopic.story_id == Story.id, in_topics))
    if before is not None:
        query = query.where(tuple_(Story.published_at, Story.id) < tuple_(*before))
    ids = list(session.scalars(query))
    stories = _load_stories(session, story_ids=ids)
    return [stories[i] for i in ids if i in stories]


def _load_stories(session: Session, *, story_ids: Sequence[int]) -> dict[int, StoredStory]:
    found: dict[int, StoredStory] = {}
    types: OutletTypes | None = None  # read once, and only if a story credits a publisher
    for start in range(0, len(story_ids), CHUNK):
        chunk = list(story_ids[start : start + CHUNK])
        rows = session.execute(select(Story, Feed).join(Feed).where(Story.id.in_(chunk))).all()
        outlets = _outlets(session, chunk)
        topics = _topics(session, chunk)
        for story, feed in rows:
            others = tuple(n for n in outlets.get(story.id, []) if n != feed.name)
            publisher_type = None
            if story.publisher:
                types = types or _outlet_types(session)
                url = story.publisher_url or story.original_url
                publisher_type = types.type_of(story.publisher, url)
            found[story.id] = _from_row(
                story, feed, others, topics.get(story.id, ()), publisher_type
            )
    return found


def _outlet_types(session: Session) -> OutletTypes:
    """The configured feeds' source types (the feeds table follows the config), to label an
    outlet known only by name or site: "Khmer Times (state-aligned media), via BHRRC"."""
    rows = session.execute(select(Feed.name, Feed.url, Feed.source_type)).all()
    return _types_of(tuple(Outlet(name, url, source_type) for name, url, source_type in rows))


@lru_cache(maxsize=4)
def _types_of(outlets: tuple[Outlet, ...]) -> OutletTypes:
    """Built once per set of feeds (the config's), not on every read: it folds every name."""
    return OutletTypes(outlets)


def _outlets(session: Session, story_ids: list[int]) -> dict[int, list[str]]:
    query = (
        select(EntryRow.story_id, Feed.name)
        .join(Feed, Feed.id == EntryRow.feed_id)
        .where(EntryRow.story_id.in_(story_ids))
        .distinct()
        .order_by(EntryRow.story_id, Feed.name)
    )
    outlets: dict[int, list[str]] = {}
    for story_id, name in session.execute(query).all():
        outlets.setdefault(story_id, []).append(name)
    return outlets


def _topics(session: Session, story_ids: list[int]) -> dict[int, tuple[TopicMatch, ...]]:
    query = (
        select(StoryTopic.story_id, StoryTopic.topic, StoryTopic.terms)
        .where(StoryTopic.story_id.in_(story_ids))
        .order_by(StoryTopic.story_id, StoryTopic.topic)
    )
    hits: dict[int, list[TopicMatch]] = {}
    for story_id, topic, terms in session.execute(query).all():
        hits.setdefault(story_id, []).append(TopicMatch(topic, tuple(json.loads(terms))))
    return {story_id: tuple(found) for story_id, found in hits.items()}


def _from_row(
    story: Story,
    feed: Feed,
    others: tuple[str, ...],
    topics: tuple[TopicMatch, ...],
    publisher_type: str | None,
) -> StoredStory:
    return StoredStory(
        id=story.id,
        title=story.title,
        summary=story.summary,
        url=story.url,
        original_url=story.original_url,
        context_url=story.context_url,
        outlet=feed.name,
        author=story.author,
        publisher=story.publisher,
        published=story.published_at,
        first_seen=story.first_seen_at,
        language=story.language,
        source_type=feed.source_type,
        also_reported_by=others,
        topics=topics,
        publisher_type=publisher_type,
        date_is_relayed=story.date_is_relayed,
    )
