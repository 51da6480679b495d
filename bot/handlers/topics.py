"""/topics with its toggle buttons, /subscribe and /unsubscribe."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import BotServices, now, services_of
from bot.keyboards import TOPIC, topic_keyboard
from bot.permissions import may_change, permitted_press, refusal
from bot.replies import current_chat, redraw, reply
from bot.text_input import clean_args, echo
from news.delivery.render import escape
from news.store.chats import chat_topics
from news.store.chats import subscribe as add_topics
from news.store.chats import unsubscribe as drop_topics
from news.topics.config import TopicConfig
from news.topics.names import find_topic, suggest_topics

ADMINS_ONLY = "Only this {chat}'s administrators can change what it follows."
NEW_ONLY = "You'll get new stories from now on; /latest shows the last few."


def topics_text(topics: tuple[TopicConfig, ...], followed: set[str]) -> str:
    """Every topic with its description; followed ones marked."""
    lines = ["<b>Topics</b> — tap to follow or stop following:"]
    for topic in topics:
        mark = "✓ " if topic.slug in followed else ""
        lines.append(f"\n{mark}<b>{escape(topic.title)}</b>\n{escape(topic.description)}")
    return "\n".join(lines)


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List topics with toggle buttons."""
    chat = await current_chat(update, context)
    bot = services_of(context)
    followed = await chat_topics(bot.services.db, chat.id)
    await reply(
        update,
        context,
        topics_text(bot.topics, followed),
        markup=topic_keyboard(bot.topics, followed),
    )


async def toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button: follow or stop following, then redraw the buttons in place."""
    query = await permitted_press(update, context, ADMINS_ONLY)
    if query is None or query.data is None:
        return
    bot = services_of(context)
    chat = await current_chat(update, context)
    slug = query.data.removeprefix(TOPIC)
    if slug not in {t.slug for t in bot.topics}:
        await query.answer("That topic no longer exists.")
        return
    followed = await chat_topics(bot.services.db, chat.id)
    if slug in followed:
        await drop_topics(bot.services.db, chat.id, [slug])
        followed.discard(slug)
        await query.answer("Stopped following.")
    else:
        await add_topics(bot.services.db, chat.id, [slug], now())
        followed.add(slug)
        await query.answer("Following. " + NEW_ONLY)
    await redraw(update, context, markup=topic_keyboard(bot.topics, followed))


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe TOPIC (slug, title or something close)."""
    await _change(update, context, follow=True)


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe TOPIC."""
    await _change(update, context, follow=False)


async def _change(update: Update, context: ContextTypes.DEFAULT_TYPE, *, follow: bool) -> None:
    bot = services_of(context)
    name = " ".join(clean_args(context.args))
    if not name:
        await topics(update, context)
        return
    if not await may_change(update, context):  # before the chat is stored: a refusal keeps none
        await reply(update, context, refusal(update, ADMINS_ONLY))
        return
    chat = await current_chat(update, context)
    topic = find_topic(name, bot.topics)
    if topic is None:
        await reply(update, context, _not_found(name, bot))
        return
    title = escape(topic.title)
    if follow:
        added = await add_topics(bot.services.db, chat.id, [topic.slug], now())
        text = (
            f"Following <b>{title}</b>. {NEW_ONLY}"
            if added
            else f"Already following <b>{title}</b>."
        )
    else:
        removed = await drop_topics(bot.services.db, chat.id, [topic.slug])
        text = (
            f"Stopped following <b>{title}</b>." if removed else f"Not following <b>{title}</b>."
        )
    await reply(update, context, text)


def _not_found(name: str, bot: BotServices) -> str:
    close = suggest_topics(name, bot.topics)
    text = f"No topic called “{echo(name)}”."
    if close:
        text += (
            " Did you mean: "
            + "; ".join(f"<b>{escape(t.title)}</b> (<code>{t.slug}</code>)" for t in close)
            + "?"
        )
    return text + " /topics lists them all."
