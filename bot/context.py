"""What handlers reach through ``context``: the services, the live config, the clock."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from telegram.ext import ContextTypes

from bot.app import Services
from bot.outgoing import Outgoing
from news.config import Config
from news.topics.config import TopicConfig

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

    def topic_titles(self) -> dict[str, str]:
        """Slug to title."""
        return {t.slug: t.title for t in self.topics}

    def is_admin(self, user_id: int | None) -> bool:
        """Whether a Telegram user id is listed in ``telegram.admins``."""
        return user_id is not None and user_id in self.services.config.telegram.admins


def services_of(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    """The BotServices the composition root put into bot_data."""
    return cast(BotServices, context.bot_data[SERVICES_KEY])


def now() -> datetime:
    """The one clock read of a handler run."""
    return datetime.now(UTC)
