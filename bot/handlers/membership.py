"""The bot being blocked, removed, or added to a group."""

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.context import now, services_of
from bot.replies import current_chat
from news.store.outbox import close_chat

GONE = (ChatMember.BANNED, ChatMember.LEFT)


async def my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Blocked or removed: stop sending there. Added to a group: the one-time notice."""
    change = update.my_chat_member
    if change is None:
        return
    if change.new_chat_member.status in GONE:
        reason = "blocked the bot" if change.chat.type == "private" else "removed the bot"
        await close_chat(services_of(context).services.db, change.chat.id, reason, now())
    elif change.old_chat_member.status in GONE and change.chat.type != "private":
        await current_chat(update, context)
