"""Planning send times within Telegram's limits. Pure bookkeeping over a monotonic clock.

Telegram allows about 30 messages a second overall, one a second per private chat and 20 a
minute per group or channel, counted in rolling windows. Every message the bot sends or
edits, reply or push, is admitted here, so their sum keeps the limits:

- overall, at most ``global_rate`` admitted in any second;
- per chat, counted from when each message was answered, and a message still in flight
  counts: a reply never races a push to the same chat, and a slow answer cannot bunch two
  messages together at Telegram's end;
- replies first: while replies wait, pushes leave them room in the window.

Sends are spaced, not burst: pushes are planned a slot every 1/rate seconds (``reserve``),
replies take tickets in a sequence of their own (``ticket``). A send that wakes late (a busy
event loop) is still checked against the sends actually made in the last second.

The rate may change while sends wait (``set_rate``: split processes lend each other the
token's idle rate, ``bot.rate_share``), and holds only until ``rate_until``: past it, or at
0, nothing is admitted. Reply tickets are positions in the sequence, not times, so a raise
brings the waiting ones forward.
"""

import math
from collections import deque
from dataclasses import dataclass, field

GROUP_TYPES = ("group", "supergroup", "channel")
GROUP_WINDOW = 60.0  # Telegram counts a group's messages per minute
UNTIL_ANSWERED = math.inf  # the wait while the chat's limit is taken by messages in flight
HOLD = 0.25  # seconds before looking again while the rate is 0
BURST_GAP = 0.5  # of a slot (1/rate): the least time between two sends admitted


@dataclass(slots=True)
class _Chat:
    """One chat's recent sends: those in flight, and when the others were answered."""

    window: float
    hold_until: float = 0.0
    in_flight: int = 0
    answered: deque[float] = field(default_factory=deque)


@dataclass(slots=True)
class Pacer:
    """Reserves and admits sends for chats; shared by replies, edits and pushes."""

    global_rate: float
    private_interval: float
    group_per_minute: int
    urgent: int = 0  # replies waiting to be admitted: pushes leave them as many places
    rate_until: float = math.inf  # the rate holds until then (a grant not renewed: 0 after)
    _next_slot: float = 0.0
    _ticket_at: float = 0.0  # ticket number ``_ticket_base`` is due then, the rest 1/rate apart
    _ticket_base: float = 0.0
    _tickets: int = 0  # tickets taken
    _planned: dict[int, float] = field(default_factory=dict)
    _chats: dict[int, _Chat] = field(default_factory=dict)
    _hold_until: float = 0.0
    _sent: deque[float] = field(default_factory=deque)

    def rate(self, now: float) -> float:
        """Messages per second this pacer may admit now: 0 once its grant ran out."""
        return self.global_rate if now < self.rate_until else 0.0

    def set_rate(self, rate: float, now: float, until: float = math.inf) -> None:
        """Pace at ``rate`` from ``now`` until ``until``; tickets not yet due are re-spaced."""
        old = self.rate(now)
        if now > self._ticket_at:  # the tickets due so far went at the old rate
            self._ticket_base = min(
                float(self._tickets), self._ticket_base + (now - self._ticket_at) * old
            )
            self._ticket_at = now
        self.global_rate, self.rate_until = rate, until

    def reserve(self, chat_id: int, chat_type: str, now: float) -> float:
        """A push's planned send time: the next free slot its chat may use; booked."""
        held = self._chats[chat_id].hold_until if chat_id in self._chats else 0.0
        at = max(now, self._next_slot, self._hold_until, held, self._planned.get(chat_id, 0.0))
        self._next_slot = at + _spacing(self.rate(now))
        group = chat_type in GROUP_TYPES
        self._planned[chat_id] = at + (
            GROUP_WINDOW / self.group_per_minute if group else self.private_interval
        )
        return at

    def ticket(self, now: float) -> int:
        """A reply's place in line: ``ticket_wait`` says when it may first ask to go. Spaced
        like pushes, so a burst of replies never wakes at once, and in a sequence of its own,
        so replies never queue behind pushes."""
        if self._due(self._tickets) < now:  # the line is empty: this one is due now
            self._ticket_at, self._ticket_base = now, float(self._tickets)
        self._tickets += 1
        return self._tickets - 1

    def ticket_wait(self, ticket: int, now: float) -> float:
        """Seconds until the reply holding ``ticket`` may ask to go (inf while the rate is 0)."""
        return max(0.0, self._due(ticket) - now)

    def _due(self, ticket: int) -> float:
        rate = self.global_rate if self._ticket_at < self.rate_until else 0.0
        if rate <= 0:
            return math.inf
        return self._ticket_at + max(0.0, ticket - self._ticket_base) / rate

    def admit(self, chat_id: int, chat_type: str, now: float, *, urgent: bool = False) -> float:
        """Seconds to wait before this send may go; 0.0 means it goes now, recorded and in
        flight until ``answered``. ``urgent``: a reply, which pushes make room for."""
        held = self._hold_until - now
        wait = max(held, self.chat_wait(chat_id, chat_type, now), self._room(now, urgent))
        if wait > 0:
            return wait
        self._sent.append(now)
        self._chat(chat_id, chat_type).in_flight += 1
        return 0.0

    def answered(self, chat_id: int, now: float) -> None:
        """The admitted send to this chat is over: sent, refused or failed."""
        chat = self._chats.get(chat_id)
        if chat is not None and chat.in_flight > 0:
            chat.in_flight -= 1
            chat.answered.append(now)

    def chat_wait(self, chat_id: int, chat_type: str, now: float) -> float:
        """Seconds until the chat may get another message (``UNTIL_ANSWERED``: after one in
        flight is answered); 0.0 if it may now."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        limit = self.group_per_minute if chat_type in GROUP_TYPES else 1
        while chat.answered and chat.answered[0] <= now - chat.window:
            chat.answered.popleft()
        held = chat.hold_until - now
        excess = chat.in_flight + len(chat.answered) - limit + 1
        if excess <= 0:
            return max(0.0, held)
        if excess > len(chat.answered):
            return UNTIL_ANSWERED
        return max(held, chat.answered[excess - 1] + chat.window - now)

    def hold_chat(self, chat_id: int, until: float) -> None:
        """No message to this chat before ``until`` (Telegram said retry_after)."""
        chat = self._chats.setdefault(chat_id, _Chat(GROUP_WINDOW))
        chat.hold_until = max(chat.hold_until, until)

    def hold_all(self, until: float) -> None:
        """No message at all before ``until`` (a flood limit on the whole bot)."""
        self._hold_until = max(self._hold_until, until)

    def forget_before(self, now: float) -> None:
        """Drop bookkeeping for chats that may send again already (memory stays bounded)."""
        self._planned = {c: t for c, t in self._planned.items() if t > now}
        self._chats = {c: chat for c, chat in self._chats.items() if _busy(chat, now)}

    def _room(self, now: float, urgent: bool) -> float:
        """Seconds until the rolling second has a place for this send."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        rate = self.rate(now)
        if rate <= 0:  # nothing granted: hold, and look again
            return HOLD
        # Never a burst, even after a hold or a raise: what was held goes out spaced. Telegram
        # counts the arrivals, and a burst arrives spread into the next second's window.
        gap = self._sent[-1] + BURST_GAP / rate - now if self._sent else 0.0
        places = max(1, int(rate)) - (0 if urgent else self.urgent)
        if len(self._sent) < places:
            return max(0.0, gap)
        if places <= 0:  # replies want every place: look again when the oldest send leaves
            return self._sent[0] + 1.0 - now if self._sent else 1.0 / rate
        return self._sent[len(self._sent) - places] + 1.0 - now

    def recent(self, now: float) -> int:
        """Sends admitted in the last second: what this process still counts for in
        Telegram's rolling window, whatever its rate now."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        return len(self._sent)

    def _chat(self, chat_id: int, chat_type: str) -> _Chat:
        window = GROUP_WINDOW if chat_type in GROUP_TYPES else self.private_interval
        chat = self._chats.setdefault(chat_id, _Chat(window))
        chat.window = window
        return chat


def _spacing(rate: float) -> float:
    return 1.0 / rate if rate > 0 else 0.0  # at 0, ``admit`` holds the sends


def _busy(chat: _Chat, now: float) -> bool:
    recent = bool(chat.answered) and chat.answered[-1] > now - chat.window
    return chat.in_flight > 0 or chat.hold_until > now or recent
