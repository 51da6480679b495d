"""Who may change a chat's subscriptions and settings."""

from telegram import CallbackQuery, Chat, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

CHANGERS = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def permitted_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str
) -> CallbackQuery | None:
    """The button press, if whoever pressed may change the chat; else a refusal toast."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    if not await may_change(update, context):
        await query.answer(refusal, show_alert=True)
        return None
    return query


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Anyone in a private chat or a channel; in groups only the chat's administrators."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type in (Chat.PRIVATE, Chat.CHANNEL):
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        # An anonymous administrator posts as the group itself.
        return message.sender_chat.id == chat.id
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in CHANGERS
