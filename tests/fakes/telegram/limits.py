"""Rate limits: strict rolling windows per chat and for the whole bot."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from tests.fakes.telegram.errors import too_many_requests

LIMITED_METHODS = frozenset({"sendMessage", "editMessageText"})


class Windows:
    """Rolling-window hit logs, one per key (a chat id, or "*" for the whole bot)."""

    def __init__(self) -> None:
        self._hits: dict[object, deque[float]] = {}

    def wait(self, key: object, limit: int, window: float, now: float) -> float:
        """Seconds until one more hit fits; 0 when it fits now."""
        hits = self._hits.get(key)
        while hits and hits[0] <= now - window:
            hits.popleft()
        limit = max(1, limit)
        if not hits or len(hits) < limit:
            return 0.0
        return hits[len(hits) - limit] + window - now

    def hit(self, key: object, now: float) -> None:
        self._hits.setdefault(key, deque()).append(now)


class RateLimits:
    """FakeTelegram's limit checks; the options and ``_windows`` are set by ``State``."""

    enforce_limits: bool
    per_chat_interval: float
    chat_burst: int
    group_per_minute: int
    global_per_second: int
    clock: Callable[[], float]
    _windows: Windows

    def _check_rate(self, chat_id: int) -> None:
        """Raise 429 if one more send breaks a limit; retry_after is the wait, rounded up."""
        if not self.enforce_limits:
            return
        now = self.clock()
        waits = [self._windows.wait("*", self.global_per_second, 1.0, now)]
        if chat_id > 0:
            limit = 1 + self.chat_burst
            waits.append(self._windows.wait(chat_id, limit, self.per_chat_interval, now))
        else:
            waits.append(self._windows.wait(chat_id, self.group_per_minute, 60.0, now))
        wait = max(waits)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(round(wait, 6))))

    def _count_send(self, method: str, chat_id: int, now: float) -> None:
        """Log a successful call against the windows if the method is rate-limited."""
        if method in LIMITED_METHODS:
            self._windows.hit("*", now)
            self._windows.hit(chat_id, now)
