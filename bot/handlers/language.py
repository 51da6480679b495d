"""/language and the language buttons: the language the bot writes in, chosen per chat."""

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.context import BotServices, services_of
from bot.handlers.errors import STALE
from bot.handlers.start import welcome
from bot.keyboards import LANGUAGE, language_keyboard
from bot.permissions import permitted_press
from bot.replies import chat_translator, current_chat, redraw, reply
from news.i18n.catalogs import available_languages, language_name
from news.i18n.translator import N_
from news.models import ChatSettings
from news.store.chats import update_chat

ADMINS_ONLY = N_("Only this {chat}'s administrators can change its language.")


def picker(bot: BotServices, chat: ChatSettings) -> tuple[str, InlineKeyboardMarkup]:
    """The chat's language, in words and ticked among the buttons of every language."""
    tr = bot.translator(chat)
    # i18n: /language; {language} is the chat's language, named in itself ("ខ្មែរ").
    text = tr.gettext("I write in {language} here. Tap another language to change it:")
    return text.format(language=language_name(tr.language)), language_keyboard(tr.language)


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The language picker, with the chat's language ticked."""
    chat = await current_chat(update, context)
    text, markup = picker(services_of(context), chat)
    await reply(update, context, text, markup=markup)


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button: keep the choice, then redraw the message in that language: the
    welcome after a chat's first /start (data ``lang:CODE:start``), else the picker."""
    query = await permitted_press(update, context, ADMINS_ONLY)
    if query is None or query.data is None:
        return
    code, _, then = query.data.removeprefix(LANGUAGE).partition(":")
    if code not in available_languages():
        tr = await chat_translator(update, context)
        await query.answer(tr.gettext(STALE))
        return
    bot = services_of(context)
    chat = await current_chat(update, context)
    chat = await update_chat(bot.services.db, chat.id, language=code)
    await query.answer()
    text, markup = await welcome(bot, chat) if then == "start" else picker(bot, chat)
    await redraw(update, context, text, markup)
