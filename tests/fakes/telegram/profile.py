"""The bot's profile as Telegram keeps it: command menus and descriptions, per language."""

from __future__ import annotations

from tests.fakes.telegram.errors import JSON, bad
from tests.fakes.telegram.params import json_param, scope_key, str_param
from tests.fakes.telegram.rules import check_commands
from tests.fakes.telegram.state import State

# Bot API limits: what the empty chat shows before /start, and the profile page's line.
DESCRIPTION_MAX = 512
SHORT_DESCRIPTION_MAX = 120


class Profile(State):
    """setMyCommands, setMyDescription, setMyShortDescription and their getters."""

    def _set_my_commands(self, params: JSON) -> bool:
        key = scope_key(json_param(params, "scope"), str_param(params, "language_code"))
        self._commands[key] = check_commands(json_param(params, "commands"))
        return True

    def _get_my_commands(self, params: JSON) -> list[dict[str, str]]:
        key = scope_key(json_param(params, "scope"), str_param(params, "language_code"))
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> bool:
        key = scope_key(json_param(params, "scope"), str_param(params, "language_code"))
        self._commands.pop(key, None)
        return True

    def _set_my_description(self, params: JSON) -> bool:
        return self._set_text(params, "description", DESCRIPTION_MAX)

    def _get_my_description(self, params: JSON) -> JSON:
        return {"description": self._text_of("description", params)}

    def _set_my_short_description(self, params: JSON) -> bool:
        return self._set_text(params, "short_description", SHORT_DESCRIPTION_MAX)

    def _get_my_short_description(self, params: JSON) -> JSON:
        return {"short_description": self._text_of("short_description", params)}

    def _set_text(self, params: JSON, name: str, limit: int) -> bool:
        text = str_param(params, name) or ""
        if len(text) > limit:
            raise bad(f"{name} is too long")
        self._profile[(name, str_param(params, "language_code") or "")] = text
        return True

    def _text_of(self, name: str, params: JSON) -> str:
        return self._profile.get((name, str_param(params, "language_code") or ""), "")

    def profile_text(self, name: str, language_code: str = "") -> str:
        """What setMyDescription (``description``) or setMyShortDescription set."""
        with self._cond:
            return self._profile.get((name, language_code), "")
