"""The sender: drains the outbox within Telegram's limits and settles every row.

It leases a due row (one per chat at a time), waits for the row's planned slot, sends it and
records the outcome in a transaction. Nothing is dropped silently: every row ends ``sent``,
``failed`` (shown in /stats) or ``cancelled`` with the reason.

Each sender names itself on the rows it leases with a random ``owner`` id, and settles only
those: on PostgreSQL several processes may send from one outbox. A SQLite file takes one.
"""

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.health import Observer
from bot.outgoing import Outgoing, pacer_for, retry_seconds
from bot.sizing import split_text
from news.config import DeliveryConfig
from news.delivery.render import MAX_MESSAGE, plain_text, utf16_len, visible_length
from news.store.claims import (
    Claimed,
    claim_due,
    keep_rest,
    mark_failed,
    mark_sent,
    next_due,
    release_leases,
    retry_later,
    sole_sender,
    use_plain_text,
)
from news.store.db import Database
from news.store.outbox import close_chat, migrate_chat

log = logging.getLogger(__name__)
LOOKAHEAD = 2.0  # seconds of sending planned ahead, so slots never wait on the database
IDLE = 1.0  # how often to look for new rows when nothing woke us
MAX_BACKOFF = timedelta(minutes=15)


class Sender:
    """Its own component: started and stopped by the composition root, woken on enqueue."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        config: DeliveryConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        outgoing: Outgoing | None = None,
        observer: Observer | None = None,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db, self.bot, self.config = db, bot, config
        self.may_send = may_send  # False once this process no longer leads ``send``
        self.observer = observer or Observer()  # sends by result and 429s, for /metrics
        self.clock, self.now = clock, now
        # Shared with the replies in a running bot: one pacer keeps their sum in the limits.
        self.outgoing = outgoing or Outgoing(pacer_for(config), clock=clock)
        self.pacer = self.outgoing.pacer
        self._busy: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self.owner = secrets.token_hex(8)  # names this sender on the rows it leases
        self._outbox = contextlib.ExitStack()  # what start took: the SQLite file's lock
        self._started = False

    def wake(self) -> None:
        """New rows were enqueued: look now rather than at the next idle check."""
        self._wake.set()

    async def start(self, *, leader: bool = False) -> None:
        """Take the outbox, before anything else starts: on a SQLite file, its one sender's
        lock (``OutboxBusyError`` if another sender has it) and every lease a killed run left;
        on PostgreSQL, only the leases that ran out, never another live sender's, unless this
        sender has just taken the ``send`` lease (``leader``): then there is no other."""
        only = self._outbox.enter_context(sole_sender(self.db))
        try:
            released = await release_leases(self.db, self.now(), every=only or leader)
        except BaseException:
            self._outbox.close()
            raise
        if released:
            log.info("resuming %d message(s) a previous run left in flight", released)
        self._started = True

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; then let in-flight sends finish and settle."""
        if not self._started:
            await self.start()
        try:
            while not stop.is_set():
                try:
                    await self._fill()
                except Exception:
                    log.exception("sender could not claim messages; retrying")
                await self._pause(stop)
            await asyncio.gather(*self._busy.values(), return_exceptions=True)
        finally:
            self._outbox.close()

    async def _fill(self) -> None:
        # Small, frequent claims: one big claim is a burst of CPU that delays the sends due
        # meanwhile, and delayed sends arrive bunched (Telegram counts rolling windows).
        capacity = int(self.pacer.rate(self.clock()) * LOOKAHEAD) - len(self._busy)
        if capacity <= 0 or not self.may_send():
            return
        rows = await claim_due(
            self.db,
            self.now(),
            owner=self.owner,
            limit=capacity,
            lease=self._lease(),
            busy=set(self._busy),
        )
        for row in rows:
            at = self.pacer.reserve(row.chat_id, row.chat_type, self.clock())
            task = asyncio.create_task(self._deliver(row, at))
            self._busy[row.chat_id] = task
            task.add_done_callback(partial(self._done, row.chat_id))

    def _done(self, chat_id: int, _task: "asyncio.Task[None]") -> None:
        self._busy.pop(chat_id, None)
        self._wake.set()

    async def _pause(self, stop: asyncio.Event) -> None:
        """Until woken (enqueued, settled, stopped), the next retry is due, or IDLE passes."""
        timeout = IDLE
        due = None if self._busy else await next_due(self.db)  # busy: a send will wake us
        if due is not None and due > self.now():  # (already-due rows wait on a busy chat)
            timeout = min(IDLE, (due - self.now()).total_seconds())
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waits:
            waiter.cancel()
        self._wake.clear()
        self.pacer.forget_before(self.clock())

    async def _deliver(self, row: Claimed, at: float) -> None:
        await asyncio.sleep(max(0.0, at - self.clock()))
        try:
            await self._send(row)
        except Exception:  # a bug here must cost one retry, never the row or the sender
            log.exception("settling outbox row %d failed", row.id)
            await self._retry(row, self._backoff(row), "internal error")

    async def _send(self, row: Claimed, rest: str | None = None) -> bool:
        """Send the row's text and settle the outcome; True if it went. ``rest``: the row is
        going out in parts, and this is what it holds once this part has gone."""
        try:
            async with self.outgoing.turn(row.chat_id, row.chat_type):
                if not self.may_send():  # the row stays leased: the next leader takes it back
                    return False
                message = await self.bot.send_message(
                    row.chat_id,
                    row.text,
                    parse_mode=ParseMode.HTML if row.is_html else None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    disable_notification=row.silent,
                )
        except RetryAfter as error:
            self._count("retry_after")
            self.observer.floods.inc()
            await self._flooded(row, retry_seconds(error))
        except ChatMigrated as error:
            self._count("migrated")
            await migrate_chat(self.db, row.chat_id, error.new_chat_id)
            await self._retry(row, self.now(), "chat migrated", counts=False)
        except Forbidden as error:
            self._count("forbidden")
            await close_chat(self.db, row.chat_id, str(error), self.now())
        except BadRequest as error:
            self._count("bad_request")
            await self._bad_request(row, error, rest)
        except TelegramError as error:  # NetworkError, TimedOut, 5xx, …: try again later
            self._count("error")
            await self._retry_or_fail(row, f"{type(error).__name__}: {error}")
        else:
            self._count("sent")
            if rest is None:
                await mark_sent(self.db, row.id, message.message_id, self.now(), owner=self.owner)
            else:
                lease_until = self.now() + self._lease()
                await keep_rest(self.db, row.id, rest, lease_until, owner=self.owner)
            return True
        return False

    def _count(self, result: str) -> None:
        self.observer.sends.labels(result).inc()

    async def _flooded(self, row: Claimed, wait: float) -> None:
        self.outgoing.flooded(row.chat_id, wait)
        when = self.now() + timedelta(seconds=wait)
        await self._retry(row, when, f"429: retry after {wait:g}s", counts=False)

    async def _bad_request(self, row: Claimed, error: BadRequest, rest: str | None) -> None:
        text = str(error).lower()
        if "chat not found" in text:
            await close_chat(self.db, row.chat_id, "chat not found", self.now())
        elif "can't parse entities" in text and row.is_html:
            log.warning(
                "outbox row %d: Telegram refused its HTML; resending as plain text", row.id
            )
            plain = plain_text(_joined(row.text, rest))
            await use_plain_text(self.db, row.id, plain, owner=self.owner)
        elif "message is too long" in text:
            await self._in_parts(row, rest)
        else:  # the same request would fail the same way again
            await mark_failed(self.db, row.id, f"BadRequest: {error}", owner=self.owner)

    async def _in_parts(self, row: Claimed, after: str | None) -> None:
        """Telegram found the text too long: send it in parts, split between stories or
        paragraphs, each part settled as it goes (``keep_rest``); ``after``: what the row
        holds beyond this text, when it is itself a part."""
        parts = split_text(row.text, _part_limit(row), is_html=row.is_html)
        if len(parts) < 2:  # nothing shorter to send: the same request would fail again
            await mark_failed(self.db, row.id, "BadRequest: message is too long", owner=self.owner)
            return
        log.warning(
            "outbox row %d: Telegram refused it as too long; sending it in %d parts",
            row.id,
            len(parts),
        )
        for index, part in enumerate(parts):
            rest = _joined(*parts[index + 1 :], after)
            if not await self._send(replace(row, text=part), rest or None):
                return

    async def _retry_or_fail(self, row: Claimed, error: str) -> None:
        if row.attempts + 1 >= self.config.max_attempts:
            log.warning(
                "outbox row %d failed after %d attempts: %s", row.id, row.attempts + 1, error
            )
            await mark_failed(self.db, row.id, error, owner=self.owner)
        else:
            await self._retry(row, self._backoff(row), error)

    async def _retry(
        self, row: Claimed, when: datetime, error: str, *, counts: bool = True
    ) -> None:
        await retry_later(self.db, row.id, when, error, owner=self.owner, counts=counts)

    def _lease(self) -> timedelta:
        return max(self.config.lease, timedelta(seconds=LOOKAHEAD * 4))

    def _backoff(self, row: Claimed) -> datetime:
        wait: timedelta = min(self.config.retry_base * (1 << row.attempts), MAX_BACKOFF)
        return self.now() + wait


def _part_limit(row: Claimed) -> int:
    """Parts of at most 4,000 characters; or of half the text, where Telegram counts a text
    longer than we do (our count kept it within the limit, and it refused it)."""
    size = visible_length(row.text) if row.is_html else utf16_len(row.text)
    return MAX_MESSAGE - 96 if size > MAX_MESSAGE else size // 2 + 1


def _joined(*texts: str | None) -> str:
    return "\n".join(text for text in texts if text)
