"""The test's side of the conversation: set up chats, push updates, wait for conditions."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable

from tests.fakes.telegram.errors import JSON
from tests.fakes.telegram.rules import bot_command_entities
from tests.fakes.telegram.state import Chat, T, member
from tests.fakes.telegram.transcript import Transcript


class Control(Transcript):
    """``add_chat``, the ``push_*`` updates, and ``wait_for`` / ``await_for``."""

    def add_chat(
        self,
        chat_id: int,
        type: str = "private",
        *,
        title: str | None = None,
        username: str | None = None,
        admins: Iterable[int] = (),
        members: Iterable[int] = (),
        creator: int | None = None,
    ) -> None:
        """Register a chat; the creator defaults to the first admin who is not the bot."""
        admins = list(admins)
        if creator is None:
            creator = next((a for a in admins if a != self.bot_id), None)
        with self._cond:
            if type == "private":
                self._ensure_user(chat_id)
            old = self._chats.get(chat_id)
            chat = self._chats[chat_id] = Chat(
                chat_id,
                type,
                title if title or type == "private" else f"Chat {chat_id}",
                username,
                set(admins),
                set(members) | set(admins),
                creator,
            )
            chat.last_message_id = old.last_message_id if old else 0  # ids never repeat
            self._changed()

    # ---- updates ----------------------------------------------------------------------------

    def push_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        entities: list[JSON] | None = None,
        extra: JSON | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue a user's text message; commands get their bot_command entities. The user's
        app language (``language_code``) goes with this message only, as Telegram sends it."""
        with self._cond:
            user = self._ensure_user(user_id, first_name, username)
            if language_code:
                user["language_code"] = language_code
            chat = self._ensure_chat(chat_id, chat_type)
            chat.members.add(user_id)
            chat.last_message_id += 1
            message: JSON = {
                "message_id": chat.last_message_id,
                "from": user,
                "chat": self._chat_json(chat),
                "date": int(time.time()),
                "text": text,
            }
            found = bot_command_entities(text) if entities is None else entities
            if found:
                message["entities"] = found
            message |= extra or {}
            self._messages[(chat_id, message["message_id"])] = message
            return self._enqueue("message", message)

    def push_channel_post(self, chat_id: int, text: str, *, signature: str | None = None) -> int:
        """Queue a post in a channel, as Telegram sends it: ``channel_post``, the channel as
        ``sender_chat`` and no ``from`` (only the channel's administrators can post)."""
        with self._cond:
            chat = self._ensure_chat(chat_id, "channel")
            if chat.type != "channel":
                raise ValueError(f"chat {chat_id} is a {chat.type}, not a channel")
            chat.last_message_id += 1
            post: JSON = {
                "message_id": chat.last_message_id,
                "sender_chat": self._chat_json(chat),
                "chat": self._chat_json(chat),
                "date": int(time.time()),
                "text": text,
            }
            if found := bot_command_entities(text):
                post["entities"] = found
            if signature:
                post["author_signature"] = signature
            self._messages[(chat_id, post["message_id"])] = post
            return self._enqueue("channel_post", post)

    def push_callback(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> int:
        """Queue a press on an inline button of a message the bot sent."""
        with self._cond:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            self._next_query_id += 1
            query_id = str(self._next_query_id)
            self._callbacks[query_id] = False
            self._last_query_id = query_id
            query = {
                "id": query_id,
                "from": self._ensure_user(user_id, first_name, username),
                "message": json.loads(json.dumps(message)),
                "chat_instance": str(abs(chat_id) * 1000 + 7),
                "data": data,
            }
            return self._enqueue("callback_query", query)

    def push_my_chat_member(
        self,
        chat_id: int,
        user_id: int,
        old_status: str,
        new_status: str,
        *,
        chat_type: str = "private",
    ) -> int:
        """Queue a change of the bot's own membership; the chat's state follows it.

        In a private chat "kicked" means the user blocked the bot (sends then answer 403)
        and "member" that they unblocked it.
        """
        with self._cond:
            chat = self._ensure_chat(chat_id, chat_type)
            if new_status == "kicked":
                chat.state = "blocked" if chat.type == "private" else "kicked"
            elif new_status == "left":
                chat.state = "left"
            else:
                chat.state = "ok"
            update = {
                "chat": self._chat_json(chat),
                "from": self._ensure_user(user_id),
                "date": int(time.time()),
                "old_chat_member": member(self.bot_user, old_status),
                "new_chat_member": member(self.bot_user, new_status),
            }
            return self._enqueue("my_chat_member", update)

    def push_update(self, kind: str, payload: JSON) -> int:
        """Queue any other update, e.g. ``push_update("edited_message", {...})``."""
        with self._cond:
            return self._enqueue(kind, payload)

    # ---- waiting ----------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until ``predicate()`` is truthy and return it; AssertionError on timeout.

        The predicate runs under the fake's lock after every change, so keep it quick. Not
        for an event loop that also runs the bot (it would stall it): use ``await_for``.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (value := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_message(predicate, timeout))
                self._cond.wait(remaining)
            return value

    async def await_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109 - the same signature as wait_for, on purpose
    ) -> T:
        """Like ``wait_for`` but yields to the caller's event loop while waiting."""
        value = await self._async_wait(predicate, timeout)
        if not value:
            raise AssertionError(self._timeout_message(predicate, timeout))
        return value

    def _timeout_message(self, predicate: Callable[[], object], timeout: float) -> str:
        name = getattr(predicate, "__qualname__", repr(predicate))
        return f"condition {name} still false after {timeout}s\n{self.summary()}"
