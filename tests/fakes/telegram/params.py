"""Request decoding: method names, and parameters from the query string and the body."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.telegram.errors import JSON, bad

METHODS = (
    "getMe", "deleteWebhook", "getUpdates", "setMyCommands", "getMyCommands",
    "deleteMyCommands", "sendMessage", "editMessageText", "editMessageReplyMarkup",
    "answerCallbackQuery", "sendChatAction", "getChat", "getChatMember",
    "getChatAdministrators", "deleteMessage", "leaveChat", "setMyDescription",
    "getMyDescription", "setMyShortDescription", "getMyShortDescription", "setWebhook",
    "getWebhookInfo",
)  # fmt: skip
_CANONICAL = {name.lower(): name for name in METHODS}


def canonical(method: str) -> str:
    """Telegram's method names are case-insensitive; logs use the documented spelling."""
    return _CANONICAL.get(method.lower(), method)


async def read_params(request: web.Request) -> JSON:
    """Merge the query string with a JSON, urlencoded or multipart body (files ignored)."""
    params: JSON = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            data = json.loads(await request.text())
        except ValueError as exc:
            raise bad("can't parse JSON object") from exc
        if not isinstance(data, dict):
            raise bad("can't parse JSON object")
        params.update(data)
    else:
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


# Form fields arrive as strings, with every non-string value JSON-encoded (that is how PTB
# sends them), while a JSON body carries real types; these accessors take either form.


def int_param(params: JSON, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(float(value)) if isinstance(value, str) and "." in value else int(value)
    except (TypeError, ValueError) as exc:
        raise bad(f'field "{name}" must be of type Integer') from exc


def flag_param(params: JSON, name: str) -> bool:
    value = params.get(name)
    return value is True or value == 1 or str(value).lower() in ("true", "1")


def json_param(params: JSON, name: str) -> Any:
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise bad(f"can't parse {name} JSON object") from exc


def str_param(params: JSON, name: str) -> str | None:
    value = params.get(name)
    return value if value is None or isinstance(value, str) else json.dumps(value)


def chat_key(params: JSON) -> int | str | None:
    """The chat_id parameter as logged and matched by faults: an int, else the raw string."""
    value = params.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return str(value)


def scope_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """The key setMyCommands stores a command list under."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""
