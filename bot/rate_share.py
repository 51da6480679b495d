"""Split processes lend each other the token's idle rate: replies first, pushes the rest.

Telegram's global limit is per token. One process paces replies and pushes together with one
``Pacer``. When ``updates`` and ``send`` run in different processes, each publishes a row
(``news.store.rate_shares``): the rate it paces at now, the rate it wants, and until when that
holds. Every ``every`` seconds each reads the other's row and takes what ``allot`` gives it:

- replies first: the updates process gets what its waiting replies need (up to all of it);
  the sender gets the rest. With no live row from the other side, all of it.
- lower at once, raise only up to what the other has *published* it leaves: the raise is
  written first, the other row read again, and only then put in force. Whichever of two
  raising processes reads second sees the other's raise, so their rates in force never add
  up to more than the token's.
- what a process publishes counts its sends of the last second too (Telegram counts rolling
  windows): a process that just lowered still counts for what it sent before.
- a grant holds ``grant`` seconds from the write that made it: a process that cannot write
  (the database slow or gone) paces at 0 once it runs out, and the other counts its row as 0
  only ``margin`` seconds after that: its last sends still count for a second in Telegram's
  window, and clocks may be a second apart. So a stalled sender never keeps replies waiting
  for longer than its grant and the margin.
"""

import asyncio
import contextlib
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.outgoing import Outgoing
from news.store.db import Database
from news.store.rate_shares import leave_share, publish_share, read_shares

log = logging.getLogger(__name__)
SHARED = ("updates", "send")  # the roles that pace messages
EVERY = 0.25  # seconds between looks at the other's row
GRANT = 2.0  # seconds a published share holds without renewal
# Seconds past another's grant before its row counts as 0: the second its last sends still
# count in Telegram's window, and a second for clocks apart.
MARGIN = 2.0


@dataclass(frozen=True, slots=True)
class Share:
    """One role's published row: what it may send in any second, what it wants, and until
    when (wall-clock seconds) that holds."""

    rate: float
    wants: float
    until: float


def splits(roles: frozenset[str]) -> str | None:
    """The pacing role this process shares the token with another process for, if any: a
    process running both paces them together, one running neither sends nothing."""
    mine = [role for role in SHARED if role in roles]
    return mine[0] if len(mine) == 1 else None


def allot(
    global_rate: float, role: str, wants: float, other: Share | None, now: float, margin: float
) -> float:
    """Messages per second ``role`` may pace at, given the other role's row as read at ``now``
    (None: no row). Whole messages: Telegram counts sends, and a pacer admits whole ones."""
    if other is None or now >= other.until + margin:
        return float(math.floor(global_rate))
    if role == "updates":
        target = min(global_rate, wants)
    else:
        target = global_rate - math.floor(min(global_rate, other.wants))
    return float(max(0, math.floor(min(target, global_rate - other.rate))))


class RateShare:
    """Keeps this process's share of the token's rate in its ``Outgoing``'s pacer."""

    def __init__(
        self,
        db: Database,
        role: str,
        outgoing: Outgoing,
        global_rate: float,
        *,
        leading: Callable[[], bool] = lambda: True,
        raised: Callable[[], None] = lambda: None,
        every: float = EVERY,
        grant: float = GRANT,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db, self.role, self.outgoing, self.global_rate = db, role, outgoing, global_rate
        self.other = "send" if role == "updates" else "updates"
        self.leading, self.raised = leading, raised
        self.every, self.grant, self.margin = every, grant, margin
        self.clock, self.now = clock, now
        self.owner = secrets.token_hex(8)
        self._published: tuple[float, float] | None = None
        self._renew_at = 0.0  # monotonic
        self._held = False  # whether the row is ours
        self._failing = False  # the last step raised: said once
        outgoing.set_rate(0.0)  # nothing until a first grant is written

    def wants(self) -> float:
        """Replies first: the updates process wants what its waiting and recent replies
        need (0 when idle); the sender wants all of it and gets what replies leave."""
        if self.role == "send":
            return self.global_rate
        pacer = self.outgoing.pacer
        return float(min(self.global_rate, self.outgoing.waiting + pacer.recent(self.clock())))

    async def keep(self, stop: asyncio.Event) -> None:
        """Share until ``stop``; then give the row up, so the other may take all of it."""
        try:
            while not stop.is_set():
                try:
                    await self.step()
                except Exception as error:  # the grant runs out on its own: pace at 0
                    if not self._failing:  # once, not four times a second
                        log.warning(
                            "%s rate share: the database did not answer (%s); pausing "
                            "once the grant runs out",
                            self.role,
                            error,
                        )
                    self._failing = True
                else:
                    if self._failing:
                        log.info("%s rate share: the database answers again", self.role)
                    self._failing = False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.every)
        finally:
            self.outgoing.set_rate(0.0)
            if self._held:
                with contextlib.suppress(Exception):
                    await leave_share(self.db, self.role, self.owner)

    async def step(self) -> None:
        """One look at the other's row: lower at once, raise once the raise is published."""
        pacer = self.outgoing.pacer
        if not self.leading():  # a standby sends nothing and leaves the row to the leader
            if self._held:
                self._held, self._published = False, None
                await leave_share(self.db, self.role, self.owner)
            self.outgoing.set_rate(0.0)
            return
        wants = self.wants()
        allowed = await self._allowed(wants)
        current = pacer.rate(self.clock())  # 0 once the grant ran out: renewing is a raise
        if current == 0 < pacer.global_rate:
            log.warning("%s rate share: the grant ran out before its renewal", self.role)
        if min(allowed, current) < pacer.global_rate:
            self.outgoing.set_rate(min(allowed, current), pacer.rate_until)
        started = self.clock()
        counts = max(allowed, pacer.rate(started), float(pacer.recent(started)))
        if (counts, wants) != self._published or started >= self._renew_at:
            wall = self.now()
            until = wall + timedelta(seconds=self.grant)
            self._held = await publish_share(
                self.db, self.role, self.owner, counts, wants, until, wall
            )
            if not self._held:  # another owner's row, not yet run out: wait for it
                self._published = None
                self.outgoing.set_rate(0.0)
                return
            if self.clock() >= pacer.rate_until:  # ran out while writing: renewing is a raise
                self.outgoing.set_rate(0.0, pacer.rate_until)
                current = 0.0
            self._published = (counts, wants)
            self._renew_at = started + self.grant / 2
            pacer.rate_until = started + self.grant
        if allowed > current:  # published first; now sure the other has not raised meanwhile
            allowed = min(allowed, await self._allowed(wants))
            self.outgoing.set_rate(allowed, pacer.rate_until)
            if allowed > current:
                self.raised()

    async def _allowed(self, wants: float) -> float:
        rows = await read_shares(self.db)
        row = rows.get(self.other)
        other = None if row is None else Share(row[0], row[1], row[2].timestamp())
        return allot(
            self.global_rate, self.role, wants, other, self.now().timestamp(), self.margin
        )
