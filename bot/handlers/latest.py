"""/latest [TOPIC] [N]: the newest stories by publication date, and older ones a tap away."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.context import BotServices, services_of
from bot.handlers.errors import STALE
from bot.paging import decode_older, encode_older
from bot.replies import chat_translator, current_chat, redraw, reply
from bot.text_input import clean_args, echo
from news.delivery.pages import Page, render_page
from news.delivery.plan import chat_zone
from news.delivery.render import escape, why_names
from news.i18n.translator import N_, Translator
from news.models import ChatSettings
from news.store.chats import chat_topics
from news.store.listing import Cursor, latest_stories
from news.topics.names import find_topic, suggest_topics

DEFAULT_COUNT = 5
MAX_COUNT = 10
NONE_YET = N_("No matching stories yet; they arrive as feeds are polled.")
NO_OLDER = N_("No older stories.")
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
    tr = bot.translator(chat)
    name, count = split_latest_args(clean_args(context.args))
    limit = max(1, min(count or DEFAULT_COUNT, MAX_COUNT))
    note = ""
    if count and count > MAX_COUNT:
        note = tr.gettext("(I show at most {n}.)").format(n=tr.number(MAX_COUNT)) + "\n"
    scope = EVERYTHING
    if name:
        topic = find_topic(name, bot.topics)
        if topic is None:
            await reply(update, context, _not_found(name, bot, tr))
            return
        scope = topic.slug
    followed = await chat_topics(bot.services.db, chat.id) if scope == EVERYTHING else set()
    if scope == EVERYTHING and not followed:
        note += tr.gettext("You don't follow any topic yet: /topics.") + "\n"
    page, more = await _page(
        bot, chat, scope, limit, followed, before=None, older=False, note=note
    )
    if page is None:
        await reply(update, context, note + tr.gettext(NONE_YET))
        return
    markup = _older_button(scope, limit, page, more, tr)
    await reply(update, context, page.text, markup=markup)


def _not_found(name: str, bot: BotServices, tr: Translator) -> str:
    text = tr.gettext("No topic called “{name}”.").format(name=echo(name))
    close = suggest_topics(name, bot.topics)
    if close:
        names = ", ".join(
            f"<b>{escape(t.title_in(tr.language))}</b> (<code>{t.slug}</code>)" for t in close
        )
        text += " " + tr.gettext("Did you mean: {topics}?").format(topics=names)
    return text + " " + tr.gettext("/topics lists them all.")


async def older(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Older" button: the next page as a new message; the button moves down to it."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    press = decode_older(query.data)
    bot = services_of(context)
    slugs = {t.slug for t in bot.topics}
    if press is None or not (press.scope == EVERYTHING or press.scope in slugs):
        await query.answer((await chat_translator(update, context)).gettext(STALE))
        return
    chat = await current_chat(update, context)
    tr = bot.translator(chat)
    everything = press.scope == EVERYTHING
    followed = await chat_topics(bot.services.db, chat.id) if everything else set()
    page, more = await _page(
        bot, chat, press.scope, press.count, followed, before=press.before, older=True, note=""
    )
    await query.answer(None if page else tr.gettext(NO_OLDER))
    await redraw(update, context, markup=None)  # one "Older" button at a time: the newest page
    if page is not None:
        markup = _older_button(press.scope, press.count, page, more, tr)
        await reply(update, context, page.text, markup=markup)


async def _page(
    bot: BotServices,
    chat: ChatSettings,
    scope: str,
    limit: int,
    followed: set[str],
    *,
    before: Cursor | None,
    older: bool,
    note: str,
) -> tuple[Page | None, bool]:
    """The page of ``scope`` after ``before`` (``followed``: the chat's topics, read by the
    caller for "everything"), and whether older stories remain."""
    tr = bot.translator(chat)
    if scope == EVERYTHING:
        slugs = sorted(followed) or [t.slug for t in bot.topics]
        heading = _heading(tr, older=older, followed=bool(followed))
    else:
        slugs = [scope]
        title = bot.topic_titles(tr.language)[scope]
        # i18n: The heading of /latest for one topic, or of the page after it ("Older").
        template = tr.gettext("Older: {topic}") if older else tr.gettext("Latest: {topic}")
        heading = template.format(topic=title)
    found = await latest_stories(bot.services.db, slugs, limit=limit + 1, before=before)
    if not found:
        return None, False
    zone = chat_zone(chat.timezone)
    # "Why" names the topics this page lists, the chat's own (or the one asked for).
    names = why_names(bot.topic_short_titles(tr.language), slugs)
    page = render_page(found[:limit], heading=heading, note=note, zone=zone, tr=tr, names=names)
    return page, len(page.stories) < len(found)


def _heading(tr: Translator, *, older: bool, followed: bool) -> str:
    if followed:
        return tr.gettext("Older in your topics") if older else tr.gettext("Latest in your topics")
    return tr.gettext("Older in all topics") if older else tr.gettext("Latest in all topics")


def _older_button(
    scope: str, count: int, page: Page, more: bool, tr: Translator
) -> InlineKeyboardMarkup | None:
    if not more:
        return None
    last = page.stories[-1]
    data = encode_older(scope, count, (last.published, last.id))
    # i18n: The button under /latest that shows the next, older stories.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr.gettext("Older ›"), callback_data=data)]]
    )
