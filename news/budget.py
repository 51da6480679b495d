"""A byte budget: how much fetched-but-unparsed feed data may wait in memory at once."""

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ByteBudget:
    """At most ``limit`` bytes held at once; one item larger than the limit goes alone.

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
    async def hold(self, size: int) -> AsyncIterator[None]:
        """Wait until ``size`` bytes fit, and keep them for the duration."""
        await self._take(size)
        try:
            yield
        finally:
            self._release(size)

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
