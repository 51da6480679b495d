"""Stories as readers see them: the latest for some topics, or by id, each with its outlets
and its topic matches. Reads only, run whole by ``Database.read``."""

import json
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from news.models import StoredStory, TopicMatch
from news.store.db import Database
from news.store.stories import CHUNK
from news.store.tables import Entry as EntryRow
from news.store.tables import Feed, Story, StoryTopic


async def latest_stories(
    db: Database, topics: Sequence[str], *, limit: int, since: datetime | None = None
) -> list[StoredStory]:
    """The stories most recently matched to any of ``topics``, newest first, with outlets."""
    return await db.read(partial(_latest_stories, topics=topics, limit=limit, since=since))


async def load_stories(db: Database, story_ids: Sequence[int]) -> dict[int, StoredStory]:
    """Stories by id, each with its first outlet, the other outlets and its topic matches."""
    return await db.read(partial(_load_stories, story_ids=story_ids))


def _latest_stories(
    session: Session, *, topics: Sequence[str], limit: int, since: datetime | None
) -> list[StoredStory]:
    """One short index scan per topic (topic, matched_at) and a merge here: a single query over
    several topics makes the database sort every match, which is slow at 100,000 stories."""
    newest: dict[int, datetime] = {}
    for topic in dict.fromkeys(topics):
        query = (
            select(StoryTopic.story_id, StoryTopic.matched_at)
            .where(StoryTopic.topic == topic)
            .order_by(StoryTopic.matched_at.desc(), StoryTopic.story_id.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(StoryTopic.matched_at >= since)
        for story_id, matched in session.execute(query):
            newest[story_id] = max(matched, newest.get(story_id, matched))
    ids = sorted(newest, key=lambda i: (newest[i], i), reverse=True)[:limit]
    stories = _load_stories(session, story_ids=ids)
    return [stories[i] for i in ids if i in stories]


def _load_stories(session: Session, *, story_ids: Sequence[int]) -> dict[int, StoredStory]:
    found: dict[int, StoredStory] = {}
    for start in range(0, len(story_ids), CHUNK):
        chunk = list(story_ids[start : start + CHUNK])
        rows = session.execute(select(Story, Feed).join(Feed).where(Story.id.in_(chunk))).all()
        outlets = _outlets(session, chunk)
        topics = _topics(session, chunk)
        for story, feed in rows:
            others = tuple(n for n in outlets.get(story.id, []) if n != feed.name)
            found[story.id] = _from_row(story, feed, others, topics.get(story.id, ()))
    return found


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
    story: Story, feed: Feed, others: tuple[str, ...], topics: tuple[TopicMatch, ...]
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
    )
