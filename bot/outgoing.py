"""The one way out: replies, edits, apologies and pushes, all paced by one ``Pacer``.

The sender settles its rows in the outbox itself; a reply has no row to come back to, so
``deliver`` persists in its place: after a 429 it waits as long as Telegram said and tries
again, after a network error or a timeout it tries a few times more. A reply that cannot be
sent is logged with the chat and the reason, never its text: never silence.
"""

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.pacing import Pacer
from news.config import DeliveryConfig

log = logging.getLogger(__name__)
T = TypeVar("T")
GLOBAL_FLOOD_CHATS = 3  # this many chats told to wait within a second: the bot itself is limited
IN_FLIGHT_POLL = 0.05  # how often to look again while a chat's message is in flight
ATTEMPTS = 4  # a reply's tries through network errors and timeouts
RETRY_BASE = 0.5  # seconds before a reply's second try, doubled for each one after
MAX_REPLY_WAIT = 120.0  # seconds of 429s a reply waits out before it is given up
MAX_TICKET_WAIT = 1.0  # a reply waiting for its ticket looks again at least this often


def pacer_for(config: DeliveryConfig) -> Pacer:
    """The pacer for the configured limits, at the token's whole rate: a process running
    ``updates`` or ``send`` without the other starts at 0 and is lent its part of it by
    ``bot.rate_share``."""
    return Pacer(
        config.global_rate,
        config.private_interval.total_seconds(),
        config.group_per_minute,
    )


class Outgoing:
    """Owns the pacer and the flood bookkeeping; one per process, shared by every sender."""

    def __init__(
        self,
        pacer: Pacer,
        *,
        clock: Callable[[], float] = time.monotonic,
        attempts: int = ATTEMPTS,
        retry_base: float = RETRY_BASE,
    ) -> None:
        self.pacer, self.clock = pacer, clock
        self.attempts, self.retry_base = attempts, retry_base
        self._recent_floods: list[tuple[float, int]] = []
        self.waiting = 0  # replies waiting for their turn: what an updates process wants
        self._rate_changed = asyncio.Event()

    def set_rate(self, rate: float, until: float = math.inf) -> None:
        """Pace at ``rate`` until ``until`` (monotonic); replies waiting for their ticket
        look again at once."""
        self.pacer.set_rate(rate, self.clock(), until)
        self._rate_changed.set()
        self._rate_changed = asyncio.Event()

    async def _rate_change(self, wait: float) -> None:
        """Until ``wait`` has passed or the rate changed, whichever is first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._rate_changed.wait(), min(wait, MAX_TICKET_WAIT))

    @asynccontextmanager
    async def turn(
        self, chat_id: int, chat_type: str, *, urgent: bool = False
    ) -> AsyncIterator[None]:
        """Wait until a message to the chat may go; it is in flight until the block ends.
        ``urgent``: a reply, which goes ahead of pushes."""
        await self._admitted(chat_id, chat_type, urgent)
        try:
            yield
        finally:
            self.pacer.answered(chat_id, self.clock())

    async def _admitted(self, chat_id: int, chat_type: str, urgent: bool) -> None:
        if urgent:
            self.waiting += 1
            try:
                ticket = self.pacer.ticket(self.clock())
                while (wait := self.pacer.ticket_wait(ticket, self.clock())) > 0:
                    await self._rate_change(wait)
            finally:
                self.waiting -= 1
            self.pacer.urgent += 1
        try:
            # Waiting for the clock, not for an event: the windows free up by time passing.
            while (wait := self.pacer.admit(chat_id, chat_type, self.clock(), urgent=urgent)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(IN_FLIGHT_POLL if wait == math.inf else wait)
        finally:
            if urgent:
                self.pacer.urgent -= 1

    def flooded(self, chat_id: int, wait: float) -> None:
        """Telegram said retry_after for this chat: hold it; if several chats were told so
        within a second, the limit is on the whole bot: hold everything."""
        now = self.clock()
        self.pacer.hold_chat(chat_id, now + wait)
        self._recent_floods = [(t, c) for t, c in self._recent_floods if t > now - 1.0]
        self._recent_floods.append((now, chat_id))
        if len({chat for _, chat in self._recent_floods}) >= GLOBAL_FLOOD_CHATS:
            log.warning("Telegram flood limit on the whole bot: pausing %.0fs", wait)
            self.pacer.hold_all(now + wait)

    async def deliver(
        self, chat_id: int, chat_type: str, send: Callable[[], Awaitable[T]]
    ) -> T | None:
        """Send a reply, an edit or an apology ahead of pushes, and see it through: None
        (and a warning) if it cannot be sent. A BadRequest is raised: the same request
        would fail the same way again, and the error handler apologises for it."""
        tries, waited = 0, 0.0
        while True:
            try:
                async with self.turn(chat_id, chat_type, urgent=True):
                    return await send()
            except RetryAfter as error:
                wait = retry_seconds(error)
                waited += wait
                if waited > MAX_REPLY_WAIT:
                    reason = f"429: retry after {wait:g}s, {waited:g}s in all"
                    break
                self.flooded(chat_id, wait)
            except BadRequest:  # a subclass of NetworkError: never worth a second try
                raise
            except NetworkError as error:  # TimedOut too
                tries += 1
                if tries >= self.attempts:
                    reason = f"{type(error).__name__} after {tries} tries: {error}"
                    break
                await asyncio.sleep(self.retry_base * 2 ** (tries - 1))
            except TelegramError as error:  # Forbidden, ChatMigrated: the chat is not there
                reason = str(error)
                break
        # Never silent: the chat and the reason, never the text.
        log.warning("could not send a reply to chat %d: %s", chat_id, reason)
        return None


def retry_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int, or a timedelta with PTB_TIMEDELTA set."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
