"""The fake's state: options, the lock, chats and users, messages, updates and the logs.

Every mixin that makes up ``FakeTelegram`` builds on ``State``. All state is guarded by one
re-entrant lock, ``_cond``; whoever changes it calls ``_changed`` to wake the waiters.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from tests.fakes.telegram.errors import JSON
from tests.fakes.telegram.limits import Windows
from tests.fakes.telegram.params import chat_key

if TYPE_CHECKING:
    from tests.fakes.telegram.faults import Fault

T = TypeVar("T")

DEFAULT_TOKEN = "7000001:AAHfakeTokenForRightsDigestTests_x1"
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_post_messages", "can_edit_messages",
    "can_pin_messages", "can_manage_topics",
)  # fmt: skip
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


@dataclass(frozen=True)
class SentRecord:
    """One successful sendMessage / editMessageText / editMessageReplyMarkup."""

    method: str
    chat_id: int
    message_id: int
    text: str  # visible text, tags removed and entities decoded
    html: str  # the text parameter exactly as sent
    parse_mode: str | None
    entities: tuple[JSON, ...]
    reply_markup: JSON | None
    disable_notification: bool
    link_preview_options: JSON | None
    at: float  # the fake's clock


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP request; ``status`` is 0 when the connection was dropped without an answer."""

    method: str
    chat_id: int | str | None
    status: int
    description: str | None
    at: float


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    admins: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    creator: int | None = None
    state: str = "ok"  # ok, blocked, deactivated, kicked, left, forgotten, migrated
    migrate_to: int | None = None
    last_message_id: int = 0


def member(user: JSON, status: str) -> JSON:
    """A ChatMember of the given status, with the fields PTB requires for it."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unsupported member status {status!r}")
    result: JSON = {"user": user, "status": status}
    if status == "creator":
        result["is_anonymous"] = False
    elif status == "administrator":
        result |= {"can_be_edited": False, "is_anonymous": False}
        result |= dict.fromkeys(ADMIN_RIGHTS, True)
    elif status == "kicked":
        result["until_date"] = 0
    return result


class State:
    """Options, runtime counters and the per-test state that ``reset`` forgets."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = "rights_digest_test_bot",
        first_name: str = "Rights Digest (test)",
        latency: float = 0.0,
        enforce_limits: bool = True,
        per_chat_interval: float = 1.0,
        chat_burst: int = 0,
        group_per_minute: int = 20,
        global_per_second: int = 30,
        clock: Callable[[], float] = time.monotonic,
        strict_html: bool = True,
        implicit_chats: bool = False,
        allow_http_webhook: bool = False,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = username
        self.bot_first_name = first_name
        self.latency = latency
        self.enforce_limits = enforce_limits
        self.per_chat_interval = per_chat_interval
        self.chat_burst = chat_burst  # extra sends a private chat may make within the interval
        self.group_per_minute = group_per_minute
        self.global_per_second = global_per_second
        self.clock = clock
        self.strict_html = strict_html  # False: a bare "&" or "&nbsp;" shows literally
        self.implicit_chats = implicit_chats  # True: any chat id exists without add_chat
        self.allow_http_webhook = allow_http_webhook  # True: a loopback http webhook is fine
        self._init_runtime()
        self._clear()

    def _init_runtime(self) -> None:
        """The lock, the server's lifecycle and the counters that survive ``reset``."""
        self._cond = threading.Condition(threading.RLock())
        self._async_waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._port: int | None = None
        self._stopping = False
        self._in_flight = 0
        self.peak_in_flight = 0  # the most requests the server held at once
        self._poll_generation = 0  # kept by reset(), so a running poller is not cut off
        self._pollers = 0
        self._last_update_id = 100_000_000
        self._next_query_id = 4_000_000_000_000

    def _clear(self) -> None:
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._bots_own: set[tuple[int, int]] = set()  # in a channel "from" does not say it
        self._updates: list[JSON] = []
        self._allowed_updates: list[str] = []
        self._sent: list[SentRecord] = []
        self._requests: list[RequestRecord] = []
        self._faults: list[Fault] = []
        self._callbacks: dict[str, bool] = {}  # query id -> answered
        self._answers: dict[str, JSON] = {}
        self._last_query_id: str | None = None
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._profile: dict[tuple[str, str], str] = {}  # (field, language) -> text
        self._windows = Windows()
        self._webhook: JSON | None = None  # url, secret, error: set by setWebhook
        self.webhook_posts: list[tuple[str, int]] = []

    @property
    def bot_user(self) -> JSON:
        """The bot as a User object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ---- change notification ----------------------------------------------------------------

    def _changed(self) -> None:
        """Wake every waiter; the caller holds the lock."""
        self._cond.notify_all()
        for loop, event in self._async_waiters:
            with contextlib.suppress(RuntimeError):  # a closed loop: its waiter is going away
                loop.call_soon_threadsafe(event.set)

    async def _async_wait(self, predicate: Callable[[], T], seconds: float) -> T:
        """Re-check ``predicate`` on every change until truthy or timeout; return its value."""
        event = asyncio.Event()
        waiter = (asyncio.get_running_loop(), event)
        deadline = time.monotonic() + seconds
        with self._cond:
            self._async_waiters.append(waiter)
        try:
            while True:
                event.clear()  # before the check, so a change during it is not missed
                with self._cond:
                    value = predicate()
                remaining = deadline - time.monotonic()
                if value or remaining <= 0:
                    return value
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self._cond:
                self._async_waiters.remove(waiter)

    # ---- chats and users (called with the lock held) ----------------------------------------

    def _find_chat(self, ref: object) -> Chat | None:
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:].lower()
            found = (c for c in self._chats.values() if (c.username or "").lower() == name)
            return next(found, None)
        try:
            chat_id = int(str(ref))
        except ValueError:
            return None
        if chat_id not in self._chats and self.implicit_chats:
            return self._ensure_chat(chat_id, "private" if chat_id > 0 else "supergroup")
        return self._chats.get(chat_id)

    def _ensure_chat(self, chat_id: int, chat_type: str) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            title = None if chat_type == "private" else f"Chat {chat_id}"
            chat = self._chats[chat_id] = Chat(chat_id, chat_type, title)
            if chat_type == "private":
                self._ensure_user(chat_id)
        return chat

    def _ensure_user(
        self, user_id: int, first_name: str | None = None, username: str | None = None
    ) -> JSON:
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )
        if first_name:
            user["first_name"] = first_name
        if username:
            user["username"] = username
        return dict(user)

    def _user_json(self, user_id: int) -> JSON:
        if user_id == self.bot_id:
            return self.bot_user
        return dict(self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "?"}))

    def _chat_json(self, chat: Chat) -> JSON:
        data: JSON = {"id": chat.id, "type": chat.type}
        if chat.type == "private":
            user = self._users.get(chat.id, {})
            data["first_name"] = user.get("first_name", f"User {chat.id}")
            name = user.get("username")
        else:
            data["title"] = chat.title
            name = chat.username
        return data | ({"username": name} if name else {})

    def _status(self, chat: Chat, user_id: int) -> str:
        if chat.type == "private":
            return "member" if user_id in (chat.id, self.bot_id) else "left"
        if user_id == chat.creator:
            return "creator"
        if user_id in chat.admins:
            return "administrator"
        return "member" if user_id in chat.members or user_id == self.bot_id else "left"

    # ---- updates and the request log --------------------------------------------------------

    def _enqueue(self, kind: str, payload: JSON) -> int:
        """Give the update an id; queue it unless allowed_updates excludes it (then it is lost).

        The caller holds the lock.
        """
        self._last_update_id += 1
        allowed = self._allowed_updates
        if kind in allowed if allowed else kind not in DEFAULT_EXCLUDED_UPDATES:
            self._updates.append({"update_id": self._last_update_id, kind: payload})
        self._changed()
        return self._last_update_id

    def _log(self, method: str, params: JSON, status: int, description: str | None) -> None:
        with self._cond:
            record = RequestRecord(method, chat_key(params), status, description, self.clock())
            self._requests.append(record)
            self._changed()
