"""/start (the language picker on a chat's first) and /help."""

from dataclasses import replace

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.commands import help_text
from bot.context import BotServices, services_of
from bot.keyboards import language_keyboard, topic_keyboard
from bot.replies import chat_translator, current_chat, reply
from bot.settings_args import WEEKDAYS
from news.i18n.catalogs import guess_language
from news.i18n.translator import N_, Translator
from news.models import ChatSettings
from news.store.chats import chat_topics

# i18n: The welcome after /start; {delivery} is e.g. "a daily digest at 08:00
# (Asia/Phnom_Penh)".
WELCOME = N_(
    "<b>Rights Digest</b> sends short summaries of human-rights news, with links to the full "
    "story in context and to the original publisher.\n\n"
    "You follow <b>topics</b>, not feeds. You will get new stories only (/latest shows the "
    "last few now), as {delivery}. Change that with /settings.\n\n"
    "<i>Privacy: I keep only this chat's id and your choices — no names, no messages. "
    "/privacy has the details; /forget erases everything.</i>\n\n"
    "Tap a topic to follow it:"
)
# i18n: A chat's first /start, before anything else: the buttons name each language.
CHOOSE = N_("Choose the language I write in:")


def describe_delivery(chat: ChatSettings, tr: Translator) -> str:
    """ "a daily digest at 08:00 (Asia/Phnom_Penh)" and the like (plain text)."""
    time, zone = tr.digits(chat.digest_time), chat.timezone
    if chat.mode == "instant":
        return tr.gettext("instant alerts")
    if chat.mode == "off":
        return tr.gettext("nothing pushed (delivery is off)")
    if chat.mode == "daily":
        return tr.gettext("a daily digest at {time} ({zone})").format(time=time, zone=zone)
    day = tr.weekday(WEEKDAYS.index(chat.weekday))
    # i18n: {weekday} is a day's name ("Monday"), {time} like 08:00, {zone} a time zone.
    weekly = tr.gettext("a weekly digest on {weekday} at {time} ({zone})")
    return weekly.format(weekday=day, time=time, zone=zone)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, privacy in one line, and the topic picker; on a chat's first /start, the
    language to write in first (a guess from the user's app preselected, never stored)."""
    chat = await current_chat(update, context)
    bot = services_of(context)
    if chat.language is None:
        user = update.effective_user
        guess = guess_language(user.language_code if user else None)
        tr = bot.translator(replace(chat, language=guess) if guess else chat)
        markup = language_keyboard(tr.language, then="start")
        await reply(update, context, tr.gettext(CHOOSE), markup=markup)
        return
    text, markup = await welcome(bot, chat)
    await reply(update, context, text, markup=markup)


async def welcome(bot: BotServices, chat: ChatSettings) -> tuple[str, InlineKeyboardMarkup]:
    """The welcome in the chat's language, with its topic picker."""
    tr = bot.translator(chat)
    followed = await chat_topics(bot.services.db, chat.id)
    text = tr.gettext(WELCOME).format(delivery=describe_delivery(chat, tr))
    return text, topic_keyboard(bot.topics, followed, tr)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every command from the COMMANDS table; admin commands only for admins."""
    user = update.effective_user
    is_admin = services_of(context).is_admin(user.id if user else None)
    tr = await chat_translator(update, context)
    await reply(update, context, help_text(tr, is_admin=is_admin))
