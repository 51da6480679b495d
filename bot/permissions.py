"""Who may change a chat's subscriptions and settings.

A command is judged by who sent it, a button press by who pressed it: in a group or a
channel everyone who sees the bot's message can press its buttons, so a press counts only
from the chat's administrators. A command posted in a channel is the channel's own post,
which only its administrators can make.
"""

from telegram import CallbackQuery, Chat, ChatMember, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.replies import chat_translator
from news.i18n.translator import Translator

CHANGERS = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def refusal(update: Update, tr: Translator, template: str) -> str:
    """``template`` ("Only this {chat}'s administrators …") for this kind of chat."""
    chat = update.effective_chat
    channel = chat is not None and chat.type == Chat.CHANNEL
    # i18n: Fills {chat} in "Only this {chat}'s administrators…"; also a kind of chat.
    kind = tr.gettext("channel") if channel else tr.gettext("group")
    return tr.gettext(template).format(chat=kind)


async def permitted_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refused: str
) -> CallbackQuery | None:
    """The button press, if whoever pressed may change the chat; else a refusal toast."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    if not await may_change(update, context):
        tr = await chat_translator(update, context)
        await query.answer(refusal(update, tr, refused), show_alert=True)
        return None
    return query


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Anyone in a private chat; in groups and channels only the chat's administrators."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type == Chat.PRIVATE:
        return True
    query = update.callback_query
    if query is not None:
        # Never the message's sender: under a button that is the bot's own message, and in a
        # channel its sender_chat is the channel itself.
        return await _is_administrator(context, chat, query.from_user)
    if update.channel_post is not None:
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        # An anonymous administrator posts as the group itself.
        return message.sender_chat.id == chat.id
    return await _is_administrator(context, chat, update.effective_user)


async def _is_administrator(
    context: ContextTypes.DEFAULT_TYPE, chat: Chat, user: User | None
) -> bool:
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in CHANGERS
