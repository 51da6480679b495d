"""/start and /help."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.commands import help_text
from bot.context import services_of
from bot.keyboards import topic_keyboard
from bot.replies import current_chat, reply
from news.store.chats import chat_topics

WELCOME = (
    "<b>Rights Digest</b> sends short summaries of human-rights news, with links to the full "
    "story in context and to the original publisher.\n\n"
    "You follow <b>topics</b>, not feeds. You will get new stories only (/latest shows the "
    "last few now), as {delivery}. Change that with /settings.\n\n"
    "<i>Privacy: I keep only this chat's id and your choices — no names, no messages. "
    "/privacy has the details; /forget erases everything.</i>\n\n"
    "Tap a topic to follow it:"
)


def describe_delivery(mode: str, time: str, zone: str, weekday: str) -> str:
    """ "a daily digest at 08:00 (Asia/Phnom_Penh)" and the like."""
    if mode == "instant":
        return "instant alerts"
    if mode == "off":
        return "nothing pushed (delivery is off)"
    when = f"at {time} ({zone})" if mode == "daily" else f"on {weekday} at {time} ({zone})"
    return f"a {mode} digest {when}"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, privacy in one line, and the topic picker."""
    chat = await current_chat(update, context)
    bot = services_of(context)
    followed = await chat_topics(bot.services.db, chat.id)
    delivery = describe_delivery(chat.mode, chat.digest_time, chat.timezone, chat.weekday)
    await reply(
        update,
        context,
        WELCOME.format(delivery=delivery),
        markup=topic_keyboard(bot.topics, followed),
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every command from the COMMANDS table; admin commands only for admins."""
    user = update.effective_user
    is_admin = services_of(context).is_admin(user.id if user else None)
    await reply(update, context, help_text(is_admin=is_admin))
