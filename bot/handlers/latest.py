"""/latest [TOPIC] [N]: the newest stories, now."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import services_of
from bot.replies import current_chat, reply
from bot.text_input import clean_args, echo
from news.delivery.render import render_list
from news.store.chats import chat_topics
from news.store.listing import latest_stories
from news.topics.names import find_topic, suggest_topics

DEFAULT_COUNT = 5
MAX_COUNT = 10


def split_latest_args(args: list[str]) -> tuple[str, int | None]:
    """("EBA", 3) from ["EBA", "3"]: a lone number anywhere is the count, the rest the topic.
    A number is decimal digits (any script's: int() reads them), not "²", which int() refuses."""
    numbers = [a for a in args if a.isdecimal()]
    words = [a for a in args if not a.isdecimal()]
    count = int(numbers[-1]) if numbers else None
    return " ".join(words), count


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat's topics (or the named one), newest first, at most 10."""
    chat = await current_chat(update, context)
    bot = services_of(context)
    name, count = split_latest_args(clean_args(context.args))
    limit = max(1, min(count or DEFAULT_COUNT, MAX_COUNT))
    note = f"(I show at most {MAX_COUNT}.)\n" if count and count > MAX_COUNT else ""
    if name:
        topic = find_topic(name, bot.topics)
        if topic is None:
            close = ", ".join(f"<code>{t.slug}</code>" for t in suggest_topics(name, bot.topics))
            hint = f" Did you mean {close}?" if close else ""
            await reply(update, context, f"No topic called “{echo(name)}”.{hint} See /topics.")
            return
        slugs, heading = [topic.slug], f"Latest: {topic.title}"
    else:
        followed = await chat_topics(bot.services.db, chat.id)
        if followed:
            slugs, heading = sorted(followed), "Latest in your topics"
        else:
            slugs, heading = [t.slug for t in bot.topics], "Latest in all topics"
            note += "You don't follow any topic yet: /topics.\n"
    stories = await latest_stories(bot.services.db, slugs, limit=limit)
    if not stories:
        await reply(
            update, context, note + "No matching stories yet; they arrive as feeds are polled."
        )
        return
    messages = render_list(stories, heading=heading)
    if note:
        messages[0] = note + messages[0]
    await reply(update, context, messages)
