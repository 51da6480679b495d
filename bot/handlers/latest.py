"""/latest [TOPIC] [N]: the newest stories by publication date, and older ones a tap away."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.context import BotServices, services_of
from bot.handlers.errors import STALE
from bot.paging import decode_older, encode_older
from bot.replies import current_chat, redraw, reply
from bot.text_input import clean_args, echo
from news.delivery.pages import Page, render_page
from news.delivery.plan import chat_zone
from news.models import ChatSettings
from news.store.chats import chat_topics
from news.store.listing import Cursor, latest_stories
from news.topics.names import find_topic, suggest_topics

DEFAULT_COUNT = 5
MAX_COUNT = 10
NONE_YET = "No matching stories yet; they arrive as feeds are polled."
NO_OLDER = "No older stories."
EVERYTHING = "*"  # the scope of a page: the chat's topics (all, if it follows none)


def split_latest_args(args: list[str]) -> tuple[str, int | None]:
    """("EBA", 3) from ["EBA", "3"]: a lone number anywhere is the count, the rest the topic.
    A number is decimal digits (any script's: int() reads them), not "²", which int() refuses."""
    numbers = [a for a in args if a.isdecimal()]
    words = [a for a in args if not a.isdecimal()]
    count = int(numbers[-1]) if numbers else None
    return " ".join(words), count


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat's topics (or the named one), newest first: N stories (at most 10) or as many
    as fit one message, with an "Older" button when there are more."""
    chat = await current_chat(update, context)
    bot = services_of(context)
    name, count = split_latest_args(clean_args(context.args))
    limit = max(1, min(count or DEFAULT_COUNT, MAX_COUNT))
    note = f"(I show at most {MAX_COUNT}.)\n" if count and count > MAX_COUNT else ""
    scope = EVERYTHING
    if name:
        topic = find_topic(name, bot.topics)
        if topic is None:
            close = ", ".join(f"<code>{t.slug}</code>" for t in suggest_topics(name, bot.topics))
            hint = f" Did you mean {close}?" if close else ""
            await reply(update, context, f"No topic called “{echo(name)}”.{hint} See /topics.")
            return
        scope = topic.slug
    elif not await chat_topics(bot.services.db, chat.id):
        note += "You don't follow any topic yet: /topics.\n"
    page, more = await _page(bot, chat, scope, limit, before=None, older=False, note=note)
    if page is None:
        await reply(update, context, note + NONE_YET)
        return
    await reply(update, context, page.text, markup=_older_button(scope, limit, page, more))


async def older(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Older" button: the next page as a new message; the button moves down to it."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    press = decode_older(query.data)
    bot = services_of(context)
    known = press is not None and (press.scope == EVERYTHING or press.scope in bot.topic_titles())
    if press is None or not known:
        await query.answer(STALE)
        return
    chat = await current_chat(update, context)
    page, more = await _page(
        bot, chat, press.scope, press.count, before=press.before, older=True, note=""
    )
    await query.answer(None if page else NO_OLDER)
    await redraw(update, context, markup=None)  # one "Older" button at a time: the newest page
    if page is not None:
        await reply(
            update, context, page.text, markup=_older_button(press.scope, press.count, page, more)
        )


async def _page(
    bot: BotServices,
    chat: ChatSettings,
    scope: str,
    limit: int,
    *,
    before: Cursor | None,
    older: bool,
    note: str,
) -> tuple[Page | None, bool]:
    """The page of ``scope`` after ``before``, and whether older stories remain."""
    word = "Older" if older else "Latest"
    if scope == EVERYTHING:
        followed = await chat_topics(bot.services.db, chat.id)
        slugs = sorted(followed) or [t.slug for t in bot.topics]
        heading = f"{word} in your topics" if followed else f"{word} in all topics"
    else:
        slugs, heading = [scope], f"{word}: {bot.topic_titles()[scope]}"
    found = await latest_stories(bot.services.db, slugs, limit=limit + 1, before=before)
    if not found:
        return None, False
    page = render_page(found[:limit], heading=heading, note=note, zone=chat_zone(chat.timezone))
    return page, len(page.stories) < len(found)


def _older_button(scope: str, count: int, page: Page, more: bool) -> InlineKeyboardMarkup | None:
    if not more:
        return None
    last = page.stories[-1]
    data = encode_older(scope, count, (last.published, last.id))
    return InlineKeyboardMarkup([[InlineKeyboardButton("Older ›", callback_data=data)]])
