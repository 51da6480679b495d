"""Which poller polls which feed: the due feeds, claimed with a lease.

Any number of pollers, in any processes, share one database's due feeds. Each claims a
batch, renews its claims while its cycle runs, and ends each one by recording that feed's
poll (``news.store.feeds.write_polls``). So a feed is fetched by one poller in a cycle, and
a dead poller's feeds are due again once its lease has run out.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Row, Update, and_, or_, select, update
from sqlalchemy.orm import Session

from news.models import DueFeed, FeedStatus, Validators
from news.store.db import Database
from news.store.feeds import FEEDS

log = logging.getLogger(__name__)


async def claim_due_feeds(
    db: Database, now: datetime, *, owner: str, limit: int, lease: timedelta
) -> list[DueFeed]:
    """Claim for ``owner`` up to ``limit`` feeds due at ``now`` (the most overdue first)
    until ``now + lease``: no other poller takes them until their poll is recorded, or the
    claim runs out because ``owner`` died.

    The pick reads the due feeds and, on PostgreSQL, locks them (``FOR UPDATE SKIP
    LOCKED``: rows another poller is claiming are passed over, not waited for). The claim
    then sets only those still due, and says which: on PostgreSQL all the locked rows; on
    a SQLite file, where the pick locks nothing, those no other process claimed since, as
    the UPDATE runs under the file's one write lock and checks again.
    """
    claim = partial(_claim, now=now, owner=owner, limit=limit, until=now + lease)
    return await db.write(claim)


def _claim(
    session: Session, *, now: datetime, owner: str, limit: int, until: datetime
) -> list[DueFeed]:
    claimed: list[DueFeed] = []
    while len(claimed) < limit:
        wanted = limit - len(claimed)
        pick = (
            select(FEEDS.c.id)
            .where(_is_due(now))
            .order_by(FEEDS.c.next_poll_at.asc().nulls_first(), FEEDS.c.id)
            .limit(wanted)
            .with_for_update(skip_locked=True)
        )
        ids = list(session.scalars(pick))
        if not ids:
            break
        claim = (
            update(FEEDS)
            .where(FEEDS.c.id.in_(ids), _is_due(now))
            .values(claim_owner=owner, claim_until=until)
            .returning(*FEEDS.c)
        )
        rows = {row.id: row for row in session.execute(claim)}
        claimed += [_due_feed(rows[i]) for i in ids if i in rows]  # in the pick's order
        # Fewer than wanted: every due feed was picked. All of them claimed: done. Some
        # lost to another process (SQLite) since the pick: pick again, now under the write
        # lock the UPDATE took, which no other claim can come between.
        if len(ids) < wanted or len(rows) == len(ids):
            break
    return claimed


def _is_due(now: datetime) -> ColumnElement[bool]:
    """Enabled, its next poll time come, and no poller's claim on it still running."""
    return and_(
        FEEDS.c.enabled.is_(True),
        FEEDS.c.disabled_reason.is_(None),
        or_(FEEDS.c.next_poll_at.is_(None), FEEDS.c.next_poll_at <= now),
        or_(FEEDS.c.claim_until.is_(None), FEEDS.c.claim_until < now),
    )


def _due_feed(row: Row[Any]) -> DueFeed:
    return DueFeed(
        id=row.id,
        name=row.name,
        url=row.fetch_url,
        config_url=row.url,
        language=row.language,
        source_type=row.source_type,
        validators=Validators(row.etag, row.last_modified, row.body_hash),
        error_count=row.error_count,
        story_context=row.story_context,
        last_status=FeedStatus(row.last_status),
        last_error=row.last_error,
        never_read=row.last_success_at is None,
    )


async def renew_claims(db: Database, *, owner: str, until: datetime) -> int:
    """Extend every claim ``owner`` still holds to ``until``; how many it holds. A poller
    renews while its cycle runs: a feed's claim must last until its result is written,
    however long it waited behind others for a fetch slot or a parser."""
    statement = update(FEEDS).where(FEEDS.c.claim_owner == owner).values(claim_until=until)
    return await db.write(partial(_execute, statement=statement))


async def release_claims(db: Database, *, owner: str) -> int:
    """Give up every claim ``owner`` still holds (a cycle stopped part way); how many."""
    statement = (
        update(FEEDS)
        .where(FEEDS.c.claim_owner == owner)
        .values(claim_owner=None, claim_until=None)
    )
    return await db.write(partial(_execute, statement=statement))


def _execute(session: Session, statement: Update) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


@asynccontextmanager
async def holding_claims(
    db: Database, *, owner: str, now: datetime, lease: timedelta
) -> AsyncIterator[None]:
    """While a cycle claims and polls, renew ``owner``'s claims every third of ``lease``;
    if it stops part way (an error, a shutdown), give up the claims it still holds, so
    those feeds are due again at once rather than when the lease runs out.

    Renewed claims run to ``now`` plus the time the cycle has taken plus ``lease``: the
    cycle's clock (tests set ``now``) moved on by the loop's monotonic one."""
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def renew() -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            taken = timedelta(seconds=loop.time() - start)
            try:
                await renew_claims(db, owner=owner, until=now + taken + lease)
            except Exception:  # a busy or unreachable database: the next try may do
                log.warning("could not renew the claims on feeds being polled", exc_info=True)

    renewing = asyncio.create_task(renew(), name=f"renew claims {owner}")
    try:
        yield
    except BaseException:
        renewing.cancel()
        await release_claims(db, owner=owner)
        raise
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
