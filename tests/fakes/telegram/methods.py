"""The Bot API methods the fake implements, and the dispatch from a method name to them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from tests.fakes.telegram.errors import (
    CONFLICT,
    JSON,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    RuleError,
    bad,
)
from tests.fakes.telegram.faults import Faults
from tests.fakes.telegram.html import Parsed
from tests.fakes.telegram.limits import RateLimits
from tests.fakes.telegram.params import (
    flag_param,
    int_param,
    json_param,
    str_param,
)
from tests.fakes.telegram.profile import Profile
from tests.fakes.telegram.rules import check_reply_markup, render_text
from tests.fakes.telegram.state import Chat, SentRecord, member
from tests.fakes.telegram.webhook import Webhook

CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})  # fmt: skip
NO_GIFTS = dict.fromkeys(
    ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), False
) | {"gifts_from_channels": False}


class Methods(RateLimits, Faults, Profile, Webhook):
    """Bot API methods; all but getUpdates run with the lock held."""

    async def _call(self, method: str, params: JSON) -> Any:
        """Carry out a method: its result, or ApiError (a broken content rule is a 400)."""
        try:
            if method == "getUpdates":
                return await self._get_updates(params)
            handler = self._HANDLERS.get(method)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            with self._cond:
                return handler(self, params)
        except RuleError as exc:
            raise bad(exc.description) from exc

    # ---- identity, webhook --------------------------------------------------------

    def _get_me(self, params: JSON) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ---- long polling -----------------------------------------------------------------------

    async def _get_updates(self, params: JSON) -> list[JSON]:
        """Long polling; a newer call terminates a waiting older one with 409, as Telegram does."""
        offset = int_param(params, "offset") or 0
        limit = int_param(params, "limit") or 100
        limit = limit if 1 <= limit <= 100 else 100
        with self._cond:
            self._refuse_polling_while_hooked()
        generation = self._start_poll(offset, json_param(params, "allowed_updates"))

        def answerable() -> bool:
            superseded = generation != self._poll_generation
            return self._stopping or superseded or bool(self._updates)

        with self._cond:
            self._pollers += 1
            self._changed()
        try:
            await self._async_wait(answerable, max(0, int_param(params, "timeout") or 0))
        finally:
            with self._cond:
                self._pollers -= 1
                self._changed()
        with self._cond:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            return self._updates[:limit]

    def _start_poll(self, offset: int, allowed: Any) -> int:
        """Confirm updates by offset, store allowed_updates; return the poll's generation."""
        with self._cond:
            self._poll_generation += 1
            generation = self._poll_generation
            if offset > 0:  # confirms every update below the offset
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:  # keeps only the last -offset updates
                self._updates = self._updates[offset:]
            if isinstance(allowed, list):
                self._allowed_updates = [str(kind) for kind in allowed]
            self._changed()
            return generation

    # ---- messages ---------------------------------------------------------------------------

    def _send_message(self, params: JSON) -> JSON:
        chat = self._chat(params, write=True)
        parsed = self._render(params)
        markup = check_reply_markup(json_param(params, "reply_markup"))
        self._check_rate(chat.id)
        chat.last_message_id += 1
        message: JSON = {"message_id": chat.last_message_id}
        # In a channel every message, the bot's too, is sent as the channel.
        sender = {"sender_chat": self._chat_json(chat)} if chat.type == "channel" else None
        message |= sender or {"from": self.bot_user}
        message |= {"chat": self._chat_json(chat), "date": int(time.time())}
        self._set_content(message, parsed, markup)
        if options := json_param(params, "link_preview_options"):
            message["link_preview_options"] = options
        if flag_param(params, "protect_content"):
            message["has_protected_content"] = True
        self._messages[(chat.id, chat.last_message_id)] = message
        self._bots_own.add((chat.id, chat.last_message_id))
        self._remember("sendMessage", chat, message, params, markup)
        return message

    def _edit_message_text(self, params: JSON) -> JSON:
        chat = self._chat(params, write=True)
        message = self._editable(chat, params)
        parsed = self._render(params)
        markup = check_reply_markup(json_param(params, "reply_markup"))
        if _content(message) == (parsed.text, list(parsed.entities), markup):
            raise bad(NOT_MODIFIED)
        self._check_rate(chat.id)
        self._set_content(message, parsed, markup)
        message["edit_date"] = int(time.time())
        self._remember("editMessageText", chat, message, params, markup)
        return message

    def _edit_message_reply_markup(self, params: JSON) -> JSON:
        chat = self._chat(params, write=True)
        message = self._editable(chat, params)
        markup = check_reply_markup(json_param(params, "reply_markup"))
        text, entities, old_markup = _content(message)
        if markup == old_markup:
            raise bad(NOT_MODIFIED)
        self._set_content(message, Parsed(text, tuple(entities)), markup)
        message["edit_date"] = int(time.time())
        self._remember("editMessageReplyMarkup", chat, message, params, markup)
        return message

    def _delete_message(self, params: JSON) -> bool:
        chat = self._chat(params, write=True)
        if self._messages.pop((chat.id, int_param(params, "message_id") or 0), None) is None:
            raise bad("message to delete not found")
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str_param(params, "callback_query_id") or ""
        if self._callbacks.get(query_id, True):  # unknown or already answered
            raise bad(QUERY_TOO_OLD)
        text = str_param(params, "text") or ""
        if len(text) > 200:
            raise bad("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = True
        self._answers[query_id] = {
            "text": text,
            "show_alert": flag_param(params, "show_alert"),
            "url": str_param(params, "url"),
        }
        return True

    # ---- chats ------------------------------------------------------------------------------

    def _send_chat_action(self, params: JSON) -> bool:
        self._chat(params, write=True)
        if str_param(params, "action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    def _get_chat(self, params: JSON) -> JSON:
        chat = self._chat(params)
        extra = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": NO_GIFTS}
        return self._chat_json(chat) | extra

    def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._chat(params)
        user_id = int_param(params, "user_id")
        if user_id is None:
            raise bad("invalid user_id specified")
        return member(self._user_json(user_id), self._status(chat, user_id))

    def _get_chat_administrators(self, params: JSON) -> list[JSON]:
        chat = self._chat(params)
        if chat.type == "private":
            raise bad("there are no administrators in the private chat")
        ids = [chat.creator] if chat.creator is not None else []
        ids += sorted(chat.admins - set(ids))
        return [member(self._user_json(i), self._status(chat, i)) for i in ids]

    def _leave_chat(self, params: JSON) -> bool:
        chat = self._chat(params)
        if chat.type == "private":
            raise bad("chat member status can't be changed in private chats")
        chat.state = "left"
        return True

    # ---- helpers (called with the lock held) ------------------------------------------------

    def _render(self, params: JSON) -> Parsed:
        text, mode = str_param(params, "text"), str_param(params, "parse_mode")
        return render_text(text, mode, json_param(params, "entities"), strict=self.strict_html)

    def _editable(self, chat: Chat, params: JSON) -> JSON:
        if params.get("inline_message_id"):
            raise bad("inline messages are not emulated")
        message = self._messages.get((chat.id, int_param(params, "message_id") or 0))
        if message is None:
            raise bad("message to edit not found")
        if (chat.id, message["message_id"]) not in self._bots_own:
            raise bad("message can't be edited")
        return message

    @staticmethod
    def _set_content(message: JSON, parsed: Parsed, markup: JSON | None) -> None:
        """Text, entities and an inline keyboard; a missing keyboard removes the old one."""
        message["text"] = parsed.text
        message.pop("entities", None)
        message.pop("reply_markup", None)
        if parsed.entities:
            message["entities"] = [dict(e) for e in parsed.entities]
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup

    def _remember(
        self, method: str, chat: Chat, message: JSON, params: JSON, markup: JSON | None
    ) -> None:
        now = self.clock()
        self._count_send(method, chat.id, now)
        record = SentRecord(
            method=method,
            chat_id=chat.id,
            message_id=message["message_id"],
            text=message["text"],
            html=str_param(params, "text") or message["text"],
            parse_mode=str_param(params, "parse_mode"),
            entities=tuple(message.get("entities", ())),
            reply_markup=markup,
            disable_notification=flag_param(params, "disable_notification"),
            link_preview_options=json_param(params, "link_preview_options"),
            at=now,
        )
        self._sent.append(record)
        self._changed()

    _HANDLERS: ClassVar[dict[str, Callable[[Methods, JSON], Any]]] = {
        "getMe": _get_me,
        "deleteWebhook": Webhook._delete_webhook,
        "setWebhook": Webhook._set_webhook,
        "getWebhookInfo": Webhook._get_webhook_info,
        "setMyCommands": Profile._set_my_commands,
        "getMyCommands": Profile._get_my_commands,
        "deleteMyCommands": Profile._delete_my_commands,
        "setMyDescription": Profile._set_my_description,
        "getMyDescription": Profile._get_my_description,
        "setMyShortDescription": Profile._set_my_short_description,
        "getMyShortDescription": Profile._get_my_short_description,
        "sendMessage": _send_message,
        "editMessageText": _edit_message_text,
        "editMessageReplyMarkup": _edit_message_reply_markup,
        "answerCallbackQuery": _answer_callback_query,
        "sendChatAction": _send_chat_action,
        "getChat": _get_chat,
        "getChatMember": _get_chat_member,
        "getChatAdministrators": _get_chat_administrators,
        "deleteMessage": _delete_message,
        "leaveChat": _leave_chat,
    }


def _content(message: JSON) -> tuple[str, list[JSON], JSON | None]:
    return message["text"], list(message.get("entities", [])), message.get("reply_markup")
