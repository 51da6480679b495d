"""Chat states (blocked, kicked, migrated, ...) and scripted faults for the next requests."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.fakes.telegram.errors import JSON, ApiError, bad, too_many_requests
from tests.fakes.telegram.limits import LIMITED_METHODS
from tests.fakes.telegram.params import canonical, chat_key
from tests.fakes.telegram.state import Chat, State


@dataclass
class Fault:
    kind: str  # error, slow, drop, garble
    method: str | None  # canonical name, "*" for any, None for the rate-limited methods
    chat_id: int | None
    times: int
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    seconds: float = 0.0
    deliver: bool = False  # carry the request out before misbehaving

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        hit = method in LIMITED_METHODS if self.method is None else self.method in ("*", method)
        return hit and self.chat_id in (None, chat_id)


class FaultError(ApiError):
    """An injected error answer whose body is sent exactly as scripted."""

    def __init__(self, fault: Fault) -> None:
        try:
            description = str(json.loads(fault.body)["description"])
        except (ValueError, KeyError):
            description = f"HTML page {fault.status}"
        super().__init__(fault.status, description)
        self.body = fault.body

    def payload(self) -> bytes:
        return self.body


class Faults(State):
    """The control API for chat states and faults, and their effect on requests."""

    # ---- chat states ------------------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends answer 403 "bot was blocked by the user"."""
        self._set_state(chat_id, "blocked")

    def deactivate(self, chat_id: int) -> None:
        """The user deleted their account: sends answer 403 "user is deactivated"."""
        self._set_state(chat_id, "deactivated")

    def kick(self, chat_id: int) -> None:
        """The bot was removed from a group, supergroup or channel: 403 on every call."""
        self._set_state(chat_id, "kicked")

    def forget_chat(self, chat_id: int) -> None:
        """Every call about the chat answers 400 "chat not found"."""
        self._set_state(chat_id, "forgotten")

    def restore(self, chat_id: int) -> None:
        """Undo block / deactivate / kick / forget_chat / migrate."""
        self._set_state(chat_id, "ok")

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: the old id answers 400 with migrate_to_chat_id."""
        with self._cond:
            old = self._ensure_chat(chat_id, "group")
            if new_chat_id not in self._chats:
                self._chats[new_chat_id] = Chat(
                    new_chat_id, "supergroup", old.title, old.username,
                    set(old.admins), set(old.members), old.creator,
                )  # fmt: skip
            old.state, old.migrate_to = "migrated", new_chat_id
            self._changed()

    def _set_state(self, chat_id: int, state: str) -> None:
        with self._cond:
            chat = self._ensure_chat(chat_id, "private" if chat_id > 0 else "group")
            chat.state, chat.migrate_to = state, None
            self._changed()

    def _chat(self, params: JSON, *, write: bool = False) -> Chat:
        """Resolve chat_id and apply the chat's state; ``write`` marks sending methods.

        The caller holds the lock.
        """
        ref = params.get("chat_id")
        if ref is None or ref == "":
            raise bad("chat_id is empty")
        chat = self._find_chat(ref)
        if chat is None or chat.state == "forgotten":
            raise bad("chat not found")
        kind = "group" if chat.type == "group" else chat.type
        if chat.state == "migrated":
            parameters = {"migrate_to_chat_id": chat.migrate_to}
            raise bad("group chat was upgraded to a supergroup chat", parameters)
        if chat.state == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        if chat.state == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        if write and chat.state == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if write and chat.state == "deactivated":
            raise ApiError(403, "Forbidden: user is deactivated")
        return chat

    # ---- scripted faults --------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        status: int,
        description: str,
        parameters: JSON | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching calls with this error (method "*" = any)."""
        body = ApiError(status, description, parameters).payload()
        self._add_fault(Fault("error", canonical(method), chat_id, times, status, body))

    def flood(
        self,
        chat_id: int | None = None,
        *,
        retry_after: int = 5,
        times: int = 1,
        method: str | None = None,
    ) -> None:
        """Answer 429 to the next sends (sendMessage/editMessageText unless ``method``)."""
        error = too_many_requests(retry_after)
        name = canonical(method) if method else None
        self._add_fault(Fault("error", name, chat_id, times, 429, error.payload()))

    def server_error(
        self, method: str, *, status: int = 502, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Answer with an HTML error page, as the proxy in front of Telegram does."""
        page = f"<html><body><h1>{status} Server Error</h1></body></html>".encode()
        fault = Fault("error", canonical(method), chat_id, times, status, page, "text/html")
        self._add_fault(fault)

    def slow_next(
        self,
        method: str,
        seconds: float,
        *,
        times: int = 1,
        chat_id: int | None = None,
        deliver: bool = False,
    ) -> None:
        """Delay the answer by ``seconds`` (longer than PTB's read timeout gives TimedOut).

        ``deliver=True`` carries the call out at once and delays only the answer, as when
        Telegram sent the message but the answer was lost; a client that gives up then
        leaves a message behind. Otherwise the call is carried out only if the client waits.
        """
        fault = Fault("slow", canonical(method), chat_id, times, seconds=seconds)
        fault.deliver = deliver
        self._add_fault(fault)

    def drop_next(
        self, method: str, *, times: int = 1, chat_id: int | None = None, deliver: bool = False
    ) -> None:
        """Close the connection without an answer (after carrying the call out if deliver)."""
        fault = Fault("drop", canonical(method), chat_id, times)
        fault.deliver = deliver
        self._add_fault(fault)

    def garble_next(
        self, method: str, *, times: int = 1, chat_id: int | None = None, deliver: bool = False
    ) -> None:
        """Answer HTTP 200 with a body that is not valid JSON."""
        fault = Fault("garble", canonical(method), chat_id, times)
        fault.deliver = deliver
        self._add_fault(fault)

    def _add_fault(self, fault: Fault) -> None:
        with self._cond:
            self._faults.append(fault)

    def _take_fault(self, method: str, params: JSON) -> Fault | None:
        chat_id = chat_key(params)
        with self._cond:
            for fault in self._faults:
                if fault.matches(method, chat_id):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None
