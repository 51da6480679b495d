"""/topics, a page at a time with its toggle buttons; /subscribe and /unsubscribe."""

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.context import BotServices, now, services_of
from bot.handlers.errors import STALE
from bot.keyboards import PAGE, TOPIC, topic_keyboard
from bot.permissions import may_change, permitted_press, refusal
from bot.replies import chat_translator, current_chat, redraw, reply
from bot.text_input import clean_args, echo
from news.delivery.render import MAX_MESSAGE, escape, visible_length
from news.i18n.translator import N_, Translator
from news.store.chats import chat_topics
from news.store.chats import subscribe as add_topics
from news.store.chats import unsubscribe as drop_topics
from news.topics.config import TopicConfig
from news.topics.names import find_topic, suggest_topics

ADMINS_ONLY = N_("Only this {chat}'s administrators can change what it follows.")
NEW_ONLY = N_("You'll get new stories from now on; /latest shows the last few.")
PAGE_ROOM = MAX_MESSAGE - 200  # a page's topics; its heading and a margin take the rest


def topic_pages(topics: Sequence[TopicConfig], language: str) -> list[tuple[TopicConfig, ...]]:
    """Topics in config order, as many to a page as fit one message with every one marked
    followed: the same pages whatever the chat follows, so a page's buttons stay its own."""
    pages: list[tuple[TopicConfig, ...]] = []
    page: list[TopicConfig] = []
    size = 0
    for topic in topics:
        block = visible_length(_block(topic, language, followed=True)) + 2  # the blank line
        if page and size + block > PAGE_ROOM:
            pages.append(tuple(page))
            page, size = [], 0
        page.append(topic)
        size += block
    return [*pages, tuple(page)]


def topics_text(
    topics: Sequence[TopicConfig],
    followed: set[str],
    tr: Translator,
    *,
    page: int = 0,
    pages: int = 1,
) -> str:
    """A page of topics with their descriptions; followed ones marked."""
    if pages > 1:
        # i18n: The heading of a page of /topics.
        heading = tr.gettext("<b>Topics</b> (page {page} of {pages})").format(
            page=tr.number(page + 1), pages=tr.number(pages)
        )
    else:
        heading = tr.gettext("<b>Topics</b>")
    lines = [heading + " — " + tr.gettext("tap to follow or stop following:")]
    lines += [
        f"\n{_block(topic, tr.language, followed=topic.slug in followed)}" for topic in topics
    ]
    return "\n".join(lines)


def _block(topic: TopicConfig, language: str, *, followed: bool) -> str:
    mark = "✓ " if followed else ""
    title, about = topic.title_in(language), topic.description_in(language)
    return f"{mark}<b>{escape(title)}</b>\n{escape(about)}"


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The first page of topics, with toggle buttons and the way to the other pages."""
    chat = await current_chat(update, context)
    bot = services_of(context)
    followed = await chat_topics(bot.services.db, chat.id)
    text, markup = _page(bot, followed, bot.translator(chat), 0)
    await reply(update, context, text, markup=markup)


async def turn_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "‹ Prev" / "Next ›": redraw the message with another page of topics."""
    query = await permitted_press(update, context, ADMINS_ONLY)
    if query is None or query.data is None:
        return
    number = _page_number(query.data.removeprefix(PAGE))
    if number is None:
        await query.answer((await chat_translator(update, context)).gettext(STALE))
        return
    chat = await current_chat(update, context)
    bot = services_of(context)
    followed = await chat_topics(bot.services.db, chat.id)
    await query.answer()
    await redraw(update, context, *_page(bot, followed, bot.translator(chat), number))


async def toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button: follow or stop following, then redraw in place: the page of /topics
    it is on (data ``t:SLUG:PAGE``), or the buttons under /start (``t:SLUG``)."""
    query = await permitted_press(update, context, ADMINS_ONLY)
    if query is None or query.data is None:
        return
    bot = services_of(context)
    chat = await current_chat(update, context)
    tr = bot.translator(chat)
    slug, paged, page = query.data.removeprefix(TOPIC).partition(":")
    if slug not in {t.slug for t in bot.topics}:
        await query.answer(tr.gettext("That topic no longer exists."))
        return
    followed = await chat_topics(bot.services.db, chat.id)
    if slug in followed:
        await drop_topics(bot.services.db, chat.id, [slug])
        followed.discard(slug)
        await query.answer(tr.gettext("Stopped following."))
    else:
        await add_topics(bot.services.db, chat.id, [slug], now())
        followed.add(slug)
        await query.answer(tr.gettext("Following.") + " " + tr.gettext(NEW_ONLY))
    if paged:
        await redraw(update, context, *_page(bot, followed, tr, _page_number(page) or 0))
    else:
        await redraw(update, context, markup=topic_keyboard(bot.topics, followed, tr))


def _page(
    bot: BotServices, followed: set[str], tr: Translator, number: int
) -> tuple[str, InlineKeyboardMarkup]:
    """Page ``number`` (the last one if there are fewer now): its text and buttons."""
    pages = topic_pages(bot.topics, tr.language)
    number = min(number, len(pages) - 1)
    text = topics_text(pages[number], followed, tr, page=number, pages=len(pages))
    return text, topic_keyboard(pages[number], followed, tr, page=number, pages=len(pages))


def _page_number(data: str) -> int | None:
    """A page number from button data, or None if it is none (an old or forged button)."""
    return int(data) if data.isascii() and data.isdigit() and len(data) <= 3 else None


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
        tr = await chat_translator(update, context)
        await reply(update, context, refusal(update, tr, ADMINS_ONLY))
        return
    chat = await current_chat(update, context)
    tr = bot.translator(chat)
    topic = find_topic(name, bot.topics)
    if topic is None:
        await reply(update, context, _not_found(name, bot, tr))
        return
    title = f"<b>{escape(topic.title_in(tr.language))}</b>"
    if follow:
        added = await add_topics(bot.services.db, chat.id, [topic.slug], now())
        # i18n: {title} is a topic's name, in bold.
        text = (
            tr.gettext("Following {title}.") if added else tr.gettext("Already following {title}.")
        )
        text = text.format(title=title) + (" " + tr.gettext(NEW_ONLY) if added else "")
    else:
        removed = await drop_topics(bot.services.db, chat.id, [topic.slug])
        stopped = tr.gettext("Stopped following {title}.")
        text = (stopped if removed else tr.gettext("Not following {title}.")).format(title=title)
    await reply(update, context, text)


def _not_found(name: str, bot: BotServices, tr: Translator) -> str:
    close = suggest_topics(name, bot.topics)
    # i18n: {name} is what the user typed.
    text = tr.gettext("No topic called “{name}”.").format(name=echo(name))
    if close:
        names = "; ".join(
            f"<b>{escape(t.title_in(tr.language))}</b> (<code>{t.slug}</code>)" for t in close
        )
        text += " " + tr.gettext("Did you mean: {topics}?").format(topics=names)
    return text + " " + tr.gettext("/topics lists them all.")
