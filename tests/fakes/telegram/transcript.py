"""Inspection for tests: the transcript of sends, the request log, messages and answers."""

from __future__ import annotations

import json
from collections import Counter

from tests.fakes.telegram.errors import JSON
from tests.fakes.telegram.params import canonical, scope_key
from tests.fakes.telegram.state import RequestRecord, SentRecord, State


class Transcript(State):
    """Read what the bot did; ``reset`` forgets it between scenarios."""

    def sent(self, chat_id: int | None = None) -> list[SentRecord]:
        """The transcript of successful sends and edits, oldest first."""
        with self._cond:
            return [r for r in self._sent if chat_id is None or r.chat_id == chat_id]

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._cond:
            return list(self._updates)

    @property
    def pollers(self) -> int:
        """How many getUpdates calls are being held right now."""
        with self._cond:
            return self._pollers

    @property
    def last_callback_query_id(self) -> str | None:
        """The id of the callback query pushed last."""
        with self._cond:
            return self._last_query_id

    @property
    def requests(self) -> list[RequestRecord]:
        """Every HTTP request answered so far, oldest first."""
        with self._cond:
            return list(self._requests)

    def count(
        self, method: str | None = None, *, status: int | None = None, chat_id: int | None = None
    ) -> int:
        """How many logged requests match all the given filters."""
        name = canonical(method) if method else None
        with self._cond:
            return sum(
                (name is None or r.method == name)
                and (status is None or r.status == status)
                and (chat_id is None or r.chat_id == chat_id)
                for r in self._requests
            )

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """A message as it stands now (after edits), or None if unknown or deleted."""
        with self._cond:
            found = self._messages.get((chat_id, message_id))
            return json.loads(json.dumps(found)) if found else None

    def commands(self, *, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The command list set with setMyCommands for this scope and language."""
        with self._cond:
            return list(self._commands.get(scope_key(scope, language_code), []))

    def callback_answer(self, query_id: str | None = None) -> JSON | None:
        """The answerCallbackQuery arguments for a query (default: the last one pushed)."""
        with self._cond:
            return self._answers.get(query_id or self._last_query_id or "")

    def summary(self, last: int = 10) -> str:
        """A short account of requests and the transcript, for failure messages."""
        with self._cond:
            counts = Counter(f"{r.method}→{r.status}" for r in self._requests)
            lines = [
                f"{len(self._requests)} requests: "
                + (", ".join(f"{k} ×{n}" for k, n in sorted(counts.items())) or "none"),
                f"{len(self._updates)} updates waiting; {len(self._sent)} sent or edited"
                + (f", the last {min(last, len(self._sent))}:" if self._sent else ""),
            ]
            lines += [
                f"  {r.method} chat={r.chat_id} #{r.message_id}: {r.text[:100]!r}"
                for r in self._sent[-last:]
            ]
            return "\n".join(lines)

    def reset(self) -> None:
        """Forget chats, messages, updates, faults and logs; options and the port stay."""
        with self._cond:
            self._clear()
            self.peak_in_flight = self._in_flight
            self._changed()
