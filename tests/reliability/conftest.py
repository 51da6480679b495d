"""The running bot of tests/bot, shared: the bad-input properties drive the real application."""

from tests.bot.conftest import bot, bot_config, tg

__all__ = ["bot", "bot_config", "tg"]
