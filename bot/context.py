"""What handlers reach through ``context``: the services, the live config, the clock."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from telegram.ext import ContextTypes

from bot.app import Services
from bot.outgoing import Outgoing
from news.config import Config
from news.i18n.catalogs import translator
from news.i18n.translator import Translator
from news.models import ChatSettings
from news.topics.config import TopicConfig, short_titles_in, titles_in

SERVICES_KEY = "rights_digest"


@dataclass(slots=True)
class BotServices:
    """The bot's collaborators, kept in ``application.bot_data``."""

    services: Services
    outgoing: Outgoing  # every reply, edit and push leaves through it
    config_path: Path | None = None

    @property
    def config(self) -> Config:
        """The config in force (it changes on /reload)."""
        return self.services.config

    @property
    def topics(self) -> tuple[TopicConfig, ...]:
        """Topics subscribers can follow, in config order."""
        return self.services.config.topics

    def topic_titles(self, language: str) -> dict[str, str]:
        """Slug to title in ``language``."""
        return titles_in(self.topics, language)

    def topic_short_titles(self, language: str) -> dict[str, str]:
        """Slug to the short name "Why" lines use in ``language``."""
        return short_titles_in(self.topics, language)

    def translator(self, chat: ChatSettings | None) -> Translator:
        """The chat's language and digits; the config's default until it picks one."""
        default = self.services.config.chats.language
        if chat is None:
            return translator(default)
        return translator(chat.language or default, native_digits=chat.native_digits)

    def is_admin(self, user_id: int | None) -> bool:
        """Whether a Telegram user id is listed in ``telegram.admins``."""
        return user_id is not None and user_id in self.services.config.telegram.admins


def services_of(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    """The BotServices the composition root put into bot_data."""
    return cast(BotServices, context.bot_data[SERVICES_KEY])


def now() -> datetime:
    """The one clock read of a handler run."""
    return datetime.now(UTC)
