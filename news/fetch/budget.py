"""A byte budget: how much feed data, fetched or on its way, may be in memory at once."""

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


class ByteBudget:
    """At most ``limit`` bytes held at once; one item larger than the limit goes alone, and
    a hold resized past it (``Held.resize``) keeps the others waiting until it shrinks.

    A hold that fits goes at once; the others wait, and each release lets in, in the order
    they came, those that fit then. It wakes only those: a cycle's dozens of waiters all woken
    on each of its hundreds of releases, most only to wait again, cost the event loop a tenth
    of a second of CPU.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()

    @asynccontextmanager
    async def hold(self, size: int) -> AsyncIterator["Held"]:
        """Wait until ``size`` bytes fit, and keep them for the duration (or as many as
        ``Held.resize`` says since)."""
        await self._take(size)
        held = Held(self, size)
        try:
            yield held
        finally:
            self._release(held.size)

    async def _take(self, size: int) -> None:
        if self._fits(size):  # no waiter fits (each release let in those that did)
            self.used += size
            return
        granted = asyncio.get_running_loop().create_future()
        waiter = (size, granted)
        self._waiting.append(waiter)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():  # let in, then cancelled
                self._release(size)
            else:
                self._waiting.remove(waiter)
            raise

    def _fits(self, size: int) -> bool:
        return self.used == 0 or self.used + size <= self.limit

    def _release(self, size: int) -> None:
        self.used -= size
        self._let_in()

    def _let_in(self) -> None:
        """Let in, in order, every waiter that fits now."""
        still: deque[tuple[int, asyncio.Future[None]]] = deque()
        for size, granted in self._waiting:
            if self._fits(size):
                self.used += size
                granted.set_result(None)
            else:
                still.append((size, granted))
        self._waiting = still


@dataclass(slots=True)
class Held:
    """Bytes held in a budget, until the ``hold`` that gave them ends."""

    budget: ByteBudget
    size: int

    def resize(self, size: int) -> None:
        """Hold ``size`` bytes instead, at once. More may take the budget past its limit: a
        body that has arrived is in memory whatever the budget says, and the holds after it
        wait. Fewer let waiters in."""
        self.budget._release(self.size - size)  # a negative release takes more
        self.size = size
