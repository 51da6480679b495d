"""Retention: stories and entries kept for the configured period, then deleted.

An entry is how an item that comes back stays old, so it is deleted only once its feed has
stopped carrying it: its ``last_seen_at`` is older than the retention period, and older than
the feed's last document read whole (``last_parsed_at``), which would have marked it seen.
A story goes with its last entry; its topics and delivery records go with it (the outbox
keeps its own rendered text). Story-in-context answers cached for longer go too.

``last_seen_at`` moves at most once a ``SEEN_STEP``: a large feed read every few minutes
would otherwise rewrite all its entries each time.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.orm import Session

from news.store.db import Database
from news.store.tables import ContextLink, Entry, Feed, Story

SEEN_STEP = timedelta(days=1)
CHUNK = 500

_MARK_SEEN = (
    update(Entry)
    .where(
        Entry.feed_id == bindparam("feed"),
        Entry.key.in_(bindparam("keys", expanding=True)),
        (Entry.last_seen_at.is_(None)) | (Entry.last_seen_at < bindparam("stale")),
    )
    .values(last_seen_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


def mark_seen(session: Session, feed_id: int, keys: Iterable[str], now: datetime) -> None:
    """The feed still carries the entries with ``keys`` (inside a caller's write)."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), CHUNK):
        params = {"feed": feed_id, "keys": ordered[start : start + CHUNK]}
        session.execute(_MARK_SEEN, params | {"stale": now - SEEN_STEP, "now": now})


async def purge_old_stories(db: Database, now: datetime, keep: timedelta) -> int:
    """Delete what retention lets go; returns how many stories went."""
    return await db.write(lambda session: _purge(session, now - keep))


def _purge(session: Session, cutoff: datetime) -> int:
    for feed_id, parsed in session.execute(select(Feed.id, Feed.last_parsed_at)).all():
        if parsed is None:  # never read whole since retention began: nothing is known gone
            continue
        # Seen in the last document read whole means seen within SEEN_STEP of reading it.
        gone_before = min(cutoff, parsed - SEEN_STEP)
        session.execute(
            delete(Entry)
            .where(Entry.feed_id == feed_id, Entry.last_seen_at < gone_before)
            .execution_options(synchronize_session=False)
        )
    orphaned = delete(Story).where(
        Story.first_seen_at < cutoff, ~exists().where(Entry.story_id == Story.id)
    )
    stories = session.execute(orphaned.execution_options(synchronize_session=False))
    session.execute(delete(ContextLink).where(ContextLink.checked_at < cutoff))
    return int(getattr(stories, "rowcount", 0) or 0)
