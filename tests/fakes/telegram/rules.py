"""Telegram's content rules for the fake Bot API: text length, commands, inline buttons."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.telegram.errors import RuleError
from tests.fakes.telegram.html import SPACES, Entity, Parsed, parse_html, utf16_len

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_COMMANDS = 100

_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_BOT_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def render_text(
    text: str | None, parse_mode: str | None, entities: Any = None, *, strict: bool = True
) -> Parsed:
    """Apply sendMessage's text rules: parse, trim, reject empty and over-long texts."""
    if not text:
        raise RuleError("message text is empty")
    mode = (parse_mode or "").lower()
    if mode == "html":
        parsed = parse_html(text, strict=strict)
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is not emulated: the text goes through as plain text.
        given = entities if isinstance(entities, list) else []
        parsed = Parsed(text, tuple(e for e in given if isinstance(e, dict)))
    else:
        raise RuleError("unsupported parse_mode")
    parsed = trim(parsed)
    if not parsed.text:
        raise RuleError("message text is empty")
    if utf16_len(parsed.text) > MAX_TEXT_UTF16:
        raise RuleError("message is too long")
    return parsed


def trim(parsed: Parsed) -> Parsed:
    """Strip leading/trailing whitespace as Telegram does, moving entities to match."""
    text = parsed.text.lstrip(SPACES)
    shift = utf16_len(parsed.text) - utf16_len(text)
    text = text.rstrip(SPACES)
    end = utf16_len(text)
    kept: list[Entity] = []
    for entity in parsed.entities:
        start = max(0, entity["offset"] - shift)
        stop = min(end, entity["offset"] + entity["length"] - shift)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return Parsed(text, tuple(kept))


def bot_command_entities(text: str) -> list[Entity]:
    """The bot_command entities Telegram attaches to a user's message."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND_RE.finditer(text)
    ]


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup; inline buttons need text, one action and callback_data ≤ 64 bytes."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise RuleError("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise RuleError('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            _check_button(button)
    return markup


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise RuleError("can't parse inline keyboard button: Text buttons are unallowed")
    if not any(key in button for key in _BUTTON_ACTIONS):
        raise RuleError("can't parse inline keyboard button: Text buttons are unallowed")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
        raise RuleError("BUTTON_DATA_INVALID")


def check_commands(commands: Any) -> list[dict[str, str]]:
    """Validate setMyCommands' list: ≤ 100 commands, names [a-z0-9_]{1,32}, descriptions 1–256."""
    if not isinstance(commands, list):
        raise RuleError("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise RuleError("BOT_COMMANDS_TOO_MUCH")
    result: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise RuleError("can't parse BotCommand JSON object")
        name, description = str(item.get("command", "")), str(item.get("description", ""))
        if not _BOT_COMMAND_NAME_RE.fullmatch(name):
            raise RuleError("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise RuleError("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": name, "description": description})
    return result
