"""Planning send times within Telegram's limits. Pure bookkeeping over a monotonic clock.

Telegram allows about 30 messages a second overall, one a second per private chat and 20 a
minute per group or channel. Sends are spaced, not burst: a fixed slot every 1/rate seconds,
and per-chat spacing, so the bot never provokes a 429 by its own pacing. Telegram counts in
rolling windows, so a send that wakes late (a busy event loop) is also checked against the sends
actually made in the last second before it goes.
"""

from collections import deque
from dataclasses import dataclass, field

GROUP_TYPES = ("group", "supergroup", "channel")


@dataclass(slots=True)
class Pacer:
    """Reserves a send time for a chat: the next free global slot the chat may use."""

    global_rate: float
    private_interval: float
    group_interval: float
    _next_slot: float = 0.0
    _chat_next: dict[int, float] = field(default_factory=dict)
    _hold_until: float = 0.0
    _sent: deque[float] = field(default_factory=deque)

    def reserve(self, chat_id: int, chat_type: str, now: float) -> float:
        """The time to send the chat's next message, and book it."""
        at = max(now, self._next_slot, self._hold_until, self._chat_next.get(chat_id, 0.0))
        self._next_slot = at + 1.0 / self.global_rate
        spacing = self.group_interval if chat_type in GROUP_TYPES else self.private_interval
        self._chat_next[chat_id] = at + spacing
        return at

    def admit(self, chat_id: int, chat_type: str, now: float) -> float:
        """Seconds to wait before this send may go; 0.0 means it goes now and is recorded."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        if self._hold_until > now:
            return self._hold_until - now
        if len(self._sent) >= max(1, int(self.global_rate)):
            return self._sent[0] + 1.0 - now
        self._sent.append(now)
        # Space the chat's next message from when this one actually went, not from its plan.
        spacing = self.group_interval if chat_type in GROUP_TYPES else self.private_interval
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + spacing)
        return 0.0

    def hold_chat(self, chat_id: int, until: float) -> None:
        """No message to this chat before ``until`` (Telegram said retry_after)."""
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    def hold_all(self, until: float) -> None:
        """No message at all before ``until`` (a flood limit on the whole bot)."""
        self._hold_until = max(self._hold_until, until)

    def forget_before(self, now: float) -> None:
        """Drop bookkeeping for chats that may send again already (memory stays bounded)."""
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
