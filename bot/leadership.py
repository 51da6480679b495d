"""One leader per role across processes: updates, the sender and the scheduler run where they
lead.

A ``Lead`` keeps a role's lease row (``news.store.leaders``): the holder renews it every third
of the lease, a standby asks every second (or every third of the lease, if shorter) and takes
it once it has run out, or at once if the row's holder is a process of this host that has
died (``bot.processes``): a bot restarted after a kill -9 answers at once, not a lease later.
A live holder, and one on another host, keep their lease until it runs out.

The holder counts itself leader only until two thirds of the lease after its last renewal
began, by its own monotonic clock: a holder that cannot renew (the database is unreachable,
the process stalled) stops acting a third of a lease before a standby may take over, which
leaves room for clocks a few seconds apart. (A stalled holder is alive: no one on its host
takes its lease early.)

On a SQLite file ``send`` is not led this way: the file's lock already makes one sender, and
the OS lets it go the moment its process dies (``news.store.claims.sole_sender``).
"""

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.health import Observer
from bot.processes import is_gone, this_process
from bot.sender import Sender
from news.store.claims import OutboxBusyError
from news.store.db import Database
from news.store.leaders import hold_lead, lead_holder, leave_lead

log = logging.getLogger(__name__)
STANDBY_POLL = 1.0  # seconds between a standby's tries (at most a third of the lease)


class Lead:
    """Holds, or waits for, one role's lease; ``holds()`` says whether to act now."""

    def __init__(
        self,
        db: Database,
        role: str,
        lease: timedelta,
        *,
        observer: Observer | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db, self.role, self.lease = db, role, lease
        self.observer = observer or Observer()
        self.clock, self.now = clock, now
        self.me = this_process(secrets.token_hex(8))
        self.owner = self.me.owner
        self.changed = asyncio.Event()  # set whenever this process gains or loses the lease
        self._valid_until = 0.0  # monotonic
        self._was_held = False

    def holds(self) -> bool:
        """Whether this process leads the role now."""
        return self.clock() < self._valid_until

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew or wait for the lease until ``stop``; then give it up for a standby."""
        third = self.lease.total_seconds() / 3
        try:
            while not stop.is_set():
                await self._try()
                pause = third if self.holds() else min(STANDBY_POLL, third)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._pause(pause))
        finally:
            await self._leave()

    def _pause(self, pause: float) -> float:
        """Until the next try; a holder whose lease is ending sooner notices it then."""
        if self.holds():
            return max(0.0, min(pause, self._valid_until - self.clock()))
        return pause

    async def _try(self) -> None:
        started = self.clock()
        try:
            held = await self._hold()
        except Exception as error:  # no answer: try again; act only while the lease lasts
            log.warning("%s lease: the database did not answer (%s)", self.role, error)
        else:  # not held: another process took it, ours having run out
            self._valid_until = started + self.lease.total_seconds() * 2 / 3 if held else 0.0
        self._note(self.holds())

    async def _hold(self) -> bool:
        """Hold the lease; if another has it, take it from a holder found dead."""
        now = self.now()
        if await hold_lead(self.db, self.role, self.me, now, self.lease):
            return True
        holder = await lead_holder(self.db, self.role)
        if holder is None or not is_gone(holder):
            return False
        log.info("%s lease: its holder (pid %s) is dead; taking it", self.role, holder.pid)
        return await hold_lead(
            self.db, self.role, self.me, now, self.lease, take_from=holder.owner
        )

    def _note(self, held: bool) -> None:
        if held != self._was_held:
            self._was_held = held
            if held:
                log.info("leading %s (lease %ss)", self.role, self.lease.total_seconds())
            else:
                log.warning("no longer leading %s: standing by", self.role)
            self.changed.set()
        self.observer.leader.labels(self.role).set(1 if held else 0)

    async def _leave(self) -> None:
        if self._valid_until:
            self._valid_until, self._was_held = 0.0, False
            self.observer.leader.labels(self.role).set(0)
            self.changed.set()
            log.info("stopping: %s handed over to a standby", self.role)
            with contextlib.suppress(Exception):  # it runs out on its own anyway
                await leave_lead(self.db, self.role, self.owner)

    async def wait_until(self, held: bool, stop: asyncio.Event) -> bool:
        """Until this process leads (``held``) or no longer does; False once ``stop`` is set.
        A lease running out without a failed renewal is noticed within a tick."""
        while self.holds() != held and not stop.is_set():
            self.changed.clear()
            wait = STANDBY_POLL if held else max(0.05, self._valid_until - self.clock())
            waits = [asyncio.ensure_future(e.wait()) for e in (self.changed, stop)]
            await asyncio.wait(waits, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waits:
                waiter.cancel()
        return not stop.is_set()


async def send_while_leading(
    lead: Lead,
    sender_for: Callable[[], Sender],
    stop: asyncio.Event,
    *,
    started: Callable[[Sender], None] = lambda _sender: None,
) -> None:
    """The ``send`` role: stand by until this process leads it, send while it does, and
    stand by again if it stops leading. One active sender per token: one pacer for it."""
    while await lead.wait_until(True, stop):
        sender = sender_for()
        try:
            await sender.start(leader=True)
        except OutboxBusyError:  # a SQLite file: the sender before is still stopping
            log.info("the previous sender still holds the outbox; waiting for it")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), STANDBY_POLL)
            continue
        started(sender)
        lost = asyncio.Event()
        watch = asyncio.create_task(_set_when_lost(lead, stop, lost))
        try:
            await sender.run(lost)
        finally:
            watch.cancel()


async def _set_when_lost(lead: Lead, stop: asyncio.Event, lost: asyncio.Event) -> None:
    await lead.wait_until(False, stop)
    lost.set()


async def receive_while_leading(
    lead: Lead,
    receive: Callable[[], Awaitable[None]],
    stop_receiving: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
) -> None:
    """The ``updates`` role: take updates only while this process leads it. Telegram gives a
    token's updates to one consumer (a second long poll ends the first with 409 Conflict, and
    both would answer what each got), so a second ``updates`` process stands by."""
    while await lead.wait_until(True, stop):
        await receive()
        await lead.wait_until(False, stop)
        await stop_receiving()
