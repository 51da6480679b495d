"""Command, button and membership handlers; ``register`` wires them into the Application."""

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.handlers import admin, language, latest, membership, privacy, settings, start, topics
from bot.handlers.errors import on_error, plain_text, stale_button, unknown_command
from bot.keyboards import FORGET, LANGUAGE, PAGE, SETTING, TOPIC
from bot.paging import LATEST

# Commands work in private chats, groups (as /cmd@bot too) and channel posts.
WHERE = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
HANDLERS: dict[str, Callback] = {
    "start": start.start,
    "help": start.help_command,
    "topics": topics.topics,
    "subscribe": topics.subscribe,
    "unsubscribe": topics.unsubscribe,
    "latest": latest.latest,
    "settings": settings.settings,
    "language": language.language,
    "privacy": privacy.privacy,
    "forget": privacy.forget,
    "stats": admin.stats,
    "feeds": admin.feeds,
    "reload": admin.reload,
}


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add every handler and the error handler."""
    for name, callback in HANDLERS.items():
        application.add_handler(CommandHandler(name, callback, filters=WHERE))
    application.add_handler(CallbackQueryHandler(topics.toggle, pattern=f"^{TOPIC}"))
    application.add_handler(CallbackQueryHandler(topics.turn_page, pattern=f"^{PAGE}"))
    application.add_handler(CallbackQueryHandler(settings.button, pattern=f"^{SETTING}"))
    application.add_handler(CallbackQueryHandler(privacy.confirm_forget, pattern=f"^{FORGET}"))
    application.add_handler(CallbackQueryHandler(language.choose, pattern=f"^{LANGUAGE}"))
    application.add_handler(CallbackQueryHandler(latest.older, pattern=f"^{LATEST}"))
    application.add_handler(CallbackQueryHandler(stale_button))
    application.add_handler(
        ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.COMMAND & WHERE, unknown_command))
    private_text = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND
    application.add_handler(MessageHandler(private_text, plain_text))
    application.add_error_handler(on_error)
