"""A story shows the version ``news.text.versions`` chooses among all its members' own.

Run inside the save that added members, for the stories that gained one: the choice is made
again from every member stored, so it never depends on which feed was polled first.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from news.store.bulk import update_by_id
from news.store.tables import Base
from news.text.versions import Version, choose_version

CHUNK = 400
STORIES = Base.metadata.tables["stories"]
ENTRIES = Base.metadata.tables["entries"]
FEEDS = Base.metadata.tables["feeds"]
_MEMBERS = (
    select(
        ENTRIES.c.id,
        ENTRIES.c.story_id,
        ENTRIES.c.feed_id,
        ENTRIES.c.key,
        ENTRIES.c.url,
        ENTRIES.c.title,
        ENTRIES.c.summary,
        ENTRIES.c.author,
        ENTRIES.c.publisher,
        ENTRIES.c.publisher_url,
        ENTRIES.c.original_url,
        ENTRIES.c.published_at,
        ENTRIES.c.date_is_relayed,
        FEEDS.c.name.label("feed_name"),
        FEEDS.c.url.label("feed_url"),
        STORIES.c.first_seen_at,
    )
    .join(FEEDS, FEEDS.c.id == ENTRIES.c.feed_id)
    .join(STORIES, STORIES.c.id == ENTRIES.c.story_id)
    .where(ENTRIES.c.story_id.in_(bindparam("ids", expanding=True)))
)
_TEXTS = select(ENTRIES.c.id, ENTRIES.c.text).where(
    ENTRIES.c.id.in_(bindparam("ids", expanding=True))
)


def show_chosen_versions(session: Session, story_ids: Iterable[int]) -> None:
    """Write each story's chosen version onto its row (inside the caller's write)."""
    wanted = sorted(set(story_ids))
    for start in range(0, len(wanted), CHUNK):
        members: dict[int, list[Any]] = {}
        for row in session.execute(_MEMBERS, {"ids": wanted[start : start + CHUNK]}):
            members.setdefault(row.story_id, []).append(row)
        chosen = {story_id: _choose(rows) for story_id, rows in members.items()}
        texts = dict(
            session.execute(_TEXTS, {"ids": [row.id for row, _ in chosen.values()]}).all()
        )
        changes = {
            story_id: _shown(row, original, texts.get(row.id, ""))
            for story_id, (row, original) in chosen.items()
        }
        update_by_id(session, STORIES, changes)


def _choose(rows: list[Any]) -> tuple[Any, str | None]:
    """The chosen member's row, and the story's original link: the one the chosen version
    names, else the first any member names (in URL order: the same whatever the order)."""
    versions = {_version(row): row for row in rows}
    version = choose_version(list(versions))
    declared = sorted(row.original_url for row in rows if row.original_url)
    return versions[version], version.original_url or next(iter(declared), None)


def _version(row: Any) -> Version:
    return Version(
        key=row.key,
        feed_name=row.feed_name,
        feed_url=row.feed_url,
        url=row.url,
        title=row.title,
        summary=row.summary,
        author=row.author,
        publisher=row.publisher,
        publisher_url=row.publisher_url,
        original_url=row.original_url,
        published=row.published_at,
        date_is_relayed=row.date_is_relayed,
    )


def _shown(row: Any, original: str | None, text: str) -> dict[str, object]:
    return {
        "feed_id": row.feed_id,
        "url": row.url,
        "title": row.title,
        "summary": row.summary,
        "text": text,
        "author": row.author,
        "publisher": row.publisher,
        "publisher_url": row.publisher_url,
        "original_url": original,
        "published_at": row.published_at or row.first_seen_at,
        "date_is_estimated": row.published_at is None,
        "date_is_relayed": row.date_is_relayed,
    }
