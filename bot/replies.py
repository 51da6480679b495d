"""Sending replies: split to fit, paced, in the right forum thread, previews off (Defaults)."""

from collections.abc import Sequence
from functools import partial

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.context import now, services_of
from bot.sizing import split_text
from news.i18n.translator import N_, Translator
from news.models import ChatSettings
from news.store.chats import ensure_chat, get_chat, update_chat

GROUP_NOTICE = N_(
    "Note for this group: every member can see which topics it follows and the stories "
    "I post here. Only the group's administrators can change its topics or settings."
)


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    messages: str | Sequence[str],
    *,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send one or more HTML messages to the chat the update came from, each split to fit
    and paced ahead of pushes; markup on the last. None if one could not be sent (logged)."""
    chat = update.effective_chat
    if chat is None:
        return None
    texts = [messages] if isinstance(messages, str) else list(messages)
    parts = [part for text in texts for part in split_text(text)]
    source = update.effective_message
    thread = source.message_thread_id if source is not None and source.is_topic_message else None
    outgoing = services_of(context).outgoing
    sent = None
    for index, text in enumerate(parts):
        send = partial(
            context.bot.send_message,
            chat.id,
            text,
            reply_markup=markup if index == len(parts) - 1 else None,
            message_thread_id=thread,
        )
        sent = await outgoing.deliver(chat.id, chat.type, send)
        if sent is None:  # logged; the parts after it would make no sense alone
            return None
    return sent


async def current_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatSettings:
    """The chat's settings, creating it with the config defaults; tells a new group once."""
    chat = update.effective_chat
    assert chat is not None, "handlers are registered for chat updates only"
    bot = services_of(context)
    settings = await ensure_chat(bot.services.db, chat.id, chat.type, bot.config.chats, now())
    if settings.is_group and not settings.group_notice_sent:
        await reply(update, context, bot.translator(settings).gettext(GROUP_NOTICE))
        settings = await update_chat(bot.services.db, chat.id, group_notice_sent=True)
    return settings


async def chat_translator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """The language of the chat the update came from, without storing the chat: for a
    refusal or an error, which must leave no row behind."""
    chat = update.effective_chat
    bot = services_of(context)
    return bot.translator(await get_chat(bot.services.db, chat.id) if chat else None)


async def redraw(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit the message under a pressed button in place, paced like a reply: its text (cut
    to fit) and buttons, or only its buttons. A second press on a message that already
    shows the result asks for no change, and Telegram's "message is not modified" is then
    no error."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    if text is None:
        edit = partial(query.edit_message_reply_markup, markup)
    else:
        edit = partial(query.edit_message_text, split_text(text)[0], reply_markup=markup)
    try:
        await services_of(context).outgoing.deliver(chat.id, chat.type, edit)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
