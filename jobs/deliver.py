"""Turning matched stories into outbox rows: instant alerts, digests, and clean-up.

Each run reads the clock once (``now``) and works in transactions; the database's unique
keys, not the scheduling, are what make a double alert or a second digest impossible.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from news.config import Config
from news.delivery.periods import Period, due_period
from news.delivery.plan import NewMessage, PendingAlert, chat_zone, plan_alerts, plan_digest
from news.delivery.quiet import alert_hold
from news.i18n.catalogs import translator
from news.i18n.translator import Translator
from news.models import ChatSettings, StoredStory
from news.store.chats import chat_settings, digest_chats, subscriptions_of
from news.store.db import Database
from news.store.listing import load_stories
from news.store.outbox import (
    add_messages,
    owed_chats,
    pending_alerts,
    purge_delivered,
    replace_alerts,
    undelivered,
)
from news.store.retention import purge_old_stories
from news.store.tables import Chat
from news.topics.config import short_titles_in, titles_in

log = logging.getLogger(__name__)
ALERT_HORIZON = timedelta(days=2)  # an alert older than this is news no more: /latest has it
DIGEST_HORIZON = timedelta(days=8)  # a weekly digest plus a day of slack
# How recently a story must have become news (its feed's date for it) to be pushed, by mode:
# an old item a feed adds is news no more. A day of slack for time zones and late feeds.
NEWS_WINDOW = {"instant": ALERT_HORIZON, "daily": timedelta(days=2), "weekly": DIGEST_HORIZON}
CONTEXT_WAIT = timedelta(minutes=10)  # how long an alert may wait for its context link
CHUNK = 500  # chats per transaction
INSTANT = ("instant",)


@dataclass(slots=True)
class Dispatcher:
    """Enqueues what each chat should receive; ``wake`` nudges the sender."""

    db: Database
    config: Callable[[], Config]
    wake: Callable[[], None] = field(default=lambda: None)

    async def fan_out(self, now: datetime) -> int:
        """Alerts for instant chats: one per story, or one batch past ``coalesce_after``.

        Written ``CHUNK`` chats per transaction: a backlog (after downtime, say) never holds
        the write lock, the sender or a shutdown for long."""
        async with self.db.sessions() as session:
            owed = await owed_chats(
                session,
                modes=INSTANT,
                since=now - ALERT_HORIZON,
                context_deadline=now - CONTEXT_WAIT,
                news_since=_news_since(now),
            )
        added = 0
        for start in range(0, len(owed), CHUNK):
            added += await self._alerts(owed[start : start + CHUNK], now)
        self._woken(added)
        return added

    async def _alerts(self, chat_ids: list[int], now: datetime) -> int:
        async with self.db.writing() as session:
            # Asked again inside the write transaction: a concurrent run may have sent some.
            pairs = await undelivered(
                session,
                modes=INSTANT,
                since=now - ALERT_HORIZON,
                context_deadline=now - CONTEXT_WAIT,
                news_since=_news_since(now),
                chat_ids=chat_ids,
            )
            by_chat = _group(pairs)
            if not by_chat:
                return 0
            chats, followed, stories = await self._context(session, by_chat)
            waiting = await pending_alerts(session, list(by_chat))
            stories |= await load_stories(
                self.db, [s for rows in waiting.values() for _, ids in rows for s in ids]
            )
            first_match = _first_match(pairs)
            messages: list[NewMessage] = []
            replaced: list[tuple[int, int, list[int]]] = []
            for chat_id, story_ids in by_chat.items():
                chat = chats[chat_id]
                zone = chat_zone(chat.timezone)
                hold = alert_hold(chat.quiet_hours, zone, now, first_match[chat_id])
                if hold == "hold":
                    continue  # quiet hours: still owed, sent when they end
                rows = waiting.get(chat_id, [])
                planned, merged = self._plan(
                    chat, story_ids, rows, stories, followed, morning=hold == "morning"
                )
                messages += planned
                replaced += [
                    (outbox_id, chat_id, ids) for outbox_id, ids in rows if outbox_id in merged
                ]
            await replace_alerts(session, replaced, messages, now)
        return len(messages)

    def _plan(
        self,
        chat: ChatSettings,
        story_ids: list[int],
        rows: list[tuple[int, list[int]]],
        stories: dict[int, StoredStory],
        followed: dict[int, list[str]],
        *,
        morning: bool,
    ) -> tuple[list[NewMessage], list[int]]:
        """One chat's alerts, or a batch replacing its pending ones."""
        pending = [
            PendingAlert(outbox_id, tuple(stories[i] for i in ids if i in stories))
            for outbox_id, ids in rows
        ]
        tr = self._translator(chat)
        return plan_alerts(
            chat,
            [stories[i] for i in story_ids if i in stories],
            pending,
            # What waited through quiet hours arrives as one batch, not a morning of buzzing.
            coalesce_after=1 if morning else self.config().delivery.coalesce_after,
            topic_titles=titles_in(self.config().topics, tr.language),
            why_titles=short_titles_in(self.config().topics, tr.language),
            followed=followed.get(chat.id, []),
            tr=tr,
        )

    async def digest_tick(self, now: datetime) -> int:
        """Digests for chats whose period came due; an empty period sends nothing."""
        due = await self._due_chats(now)
        added = 0
        for start in range(0, len(due), CHUNK):
            added += await self._digests(due[start : start + CHUNK], now)
        self._woken(added)
        return added

    async def housekeeping(self, now: datetime) -> None:
        """Apply the retention periods /privacy promises, and the stories' own."""
        await purge_delivered(self.db, now)
        gone = await purge_old_stories(self.db, now, self.config().retention.stories)
        if gone:
            log.info("retention: %d stories no feed has carried for long were deleted", gone)

    async def _due_chats(self, now: datetime) -> list[tuple[int, Period]]:
        query = digest_chats(Chat.id)
        async with self.db.sessions() as session:
            rows = (await session.execute(query)).all()
        due = []
        for chat_id, mode, time, zone, weekday, last, created in rows:
            period = due_period(mode, time, zone, weekday, last, created, now)
            if period is not None:
                due.append((chat_id, period))
        return due

    async def _digests(self, due: Sequence[tuple[int, Period]], now: datetime) -> int:
        periods = dict(due)
        async with self.db.writing() as session:
            pairs = await undelivered(
                session,
                modes=("daily", "weekly"),
                since=now - DIGEST_HORIZON,
                # A digest is due now: a story still looking for its context link goes with
                # its item link rather than wait a day (or a week) for the next one.
                context_deadline=None,
                news_since=_news_since(now),
                chat_ids=list(periods),
            )
            # As if sent on time: a digest holds what had matched when it fell due.
            by_chat = _group(pairs, {chat: p.due_at for chat, p in periods.items()})
            chats, followed, stories = await self._context(session, by_chat)
            messages: list[NewMessage] = []
            for chat_id, story_ids in by_chat.items():
                tr = self._translator(chats[chat_id])
                messages += plan_digest(
                    chats[chat_id],
                    periods[chat_id],
                    [stories[i] for i in story_ids if i in stories],
                    topic_titles=titles_in(self.config().topics, tr.language),
                    why_titles=short_titles_in(self.config().topics, tr.language),
                    followed=followed.get(chat_id, []),
                    tr=tr,
                )
            await add_messages(session, messages, now)
            await _mark_periods(session, periods)
        return len(messages)

    async def _context(
        self, session: AsyncSession, by_chat: dict[int, list[int]]
    ) -> tuple[dict[int, ChatSettings], dict[int, list[str]], dict[int, StoredStory]]:
        """The chats' settings and topics, and the stories they are about to receive."""
        chats = await chat_settings(session, list(by_chat))
        followed = await subscriptions_of(session, list(by_chat))
        story_ids = sorted({story for stories in by_chat.values() for story in stories})
        return chats, followed, await load_stories(self.db, story_ids)

    def _translator(self, chat: ChatSettings) -> Translator:
        """The chat's language, or the config's default until it picks one."""
        language = chat.language or self.config().chats.language
        return translator(language, native_digits=chat.native_digits)

    def _woken(self, added: int) -> None:
        if added:
            log.info("enqueued %d message(s)", added)
            self.wake()


def _news_since(now: datetime) -> dict[str, datetime]:
    return {mode: now - window for mode, window in NEWS_WINDOW.items()}


def _first_match(pairs: Sequence[tuple[int, int, datetime]]) -> dict[int, datetime]:
    first: dict[int, datetime] = {}
    for chat_id, _story_id, matched in pairs:
        first[chat_id] = min(matched, first.get(chat_id, matched))
    return first


def _group(
    pairs: Sequence[tuple[int, int, datetime]], until: dict[int, datetime] | None = None
) -> dict[int, list[int]]:
    """Story ids per chat; with ``until``, only stories matched by the chat's cut-off."""
    grouped: dict[int, list[int]] = {}
    for chat_id, story_id, matched in pairs:
        if until is None or matched <= until[chat_id]:
            grouped.setdefault(chat_id, []).append(story_id)
    return grouped


async def _mark_periods(session: AsyncSession, periods: dict[int, Period]) -> None:
    await session.execute(
        update(Chat),
        [{"id": chat_id, "last_digest_period": p.key} for chat_id, p in periods.items()],
    )
