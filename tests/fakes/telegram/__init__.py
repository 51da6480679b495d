"""A local stand-in for the Telegram Bot API, served over real HTTP on 127.0.0.1.

Point PTB at it with ``ApplicationBuilder().token(tg.token).base_url(f"{tg.base_url}/bot")``.
The server runs aiohttp in its own thread and event loop, so the same instance serves a PTB
``Application`` in the test's event loop and a bot in a subprocess. Every error answer uses
HTTP status == ``error_code``: PTB picks its exception from the status alone.

Control it from tests: ``push_message`` / ``push_callback`` queue updates, ``sent()`` is the
transcript, ``block`` / ``migrate`` / ``fail_next`` / ``flood`` / ``slow_next`` inject faults and
``wait_for`` / ``await_for`` wait for a condition without sleeping.

Modules, by responsibility:

- ``fake``: ``FakeTelegram``, assembled from the mixins below;
- ``state``: options, the lock, chats, users, messages, the update queue, the records;
- ``server``: the aiohttp app, its thread and event loop, latency, transport faults;
- ``params``: request decoding (method names, query string, JSON and form bodies);
- ``methods``: the Bot API methods; ``limits``: the rate-limit windows;
- ``faults``: chat states (blocked, kicked, migrated, ...) and scripted faults;
- ``control``: ``add_chat``, ``push_*``, ``wait_for`` / ``await_for``;
- ``transcript``: ``sent``, ``requests``, ``count``, ``summary``, ``reset``;
- ``html``: the HTML parse mode; ``rules``: text length, commands and buttons;
- ``errors``: ``ApiError`` / ``RuleError`` and Telegram's error wording.
"""

from tests.fakes.telegram.errors import ApiError, RuleError, too_many_requests
from tests.fakes.telegram.fake import FakeTelegram
from tests.fakes.telegram.html import HtmlError, Parsed, parse_html, utf16_len
from tests.fakes.telegram.rules import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_COMMANDS,
    MAX_TEXT_UTF16,
    bot_command_entities,
    check_commands,
    check_reply_markup,
    render_text,
)
from tests.fakes.telegram.state import DEFAULT_TOKEN, RequestRecord, SentRecord

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_COMMANDS",
    "MAX_TEXT_UTF16",
    "ApiError",
    "FakeTelegram",
    "HtmlError",
    "Parsed",
    "RequestRecord",
    "RuleError",
    "SentRecord",
    "bot_command_entities",
    "check_commands",
    "check_reply_markup",
    "parse_html",
    "render_text",
    "too_many_requests",
    "utf16_len",
]
