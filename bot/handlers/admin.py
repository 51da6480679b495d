"""Admin commands: /stats, /feeds, /reload. Others get the unknown-command reply."""

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from functools import wraps
from typing import Any

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.app import apply_config
from bot.console import OK_STATUSES
from bot.context import now, services_of
from bot.handlers.errors import unknown_command
from bot.replies import chat_translator, reply
from bot.sizing import within
from news.config import ConfigError, load_config
from news.delivery.render import MAX_MESSAGE, escape, visible_length
from news.i18n.translator import N_, Translator
from news.models import FeedStatus
from news.store.feeds import FeedHealth, feed_health
from news.store.stats import gather_stats

FINE = {*OK_STATUSES, FeedStatus.NEW}  # a feed not polled yet has not failed
# i18n: A feed's state in /feeds.
STATUS_LABELS: dict[str, str] = {
    FeedStatus.NEW: N_("new"),
    FeedStatus.OK: N_("ok"),
    FeedStatus.NOT_MODIFIED: N_("not modified"),
    FeedStatus.GONE: N_("gone"),
    FeedStatus.RATE_LIMITED: N_("rate limited"),
    FeedStatus.BLOCKED: N_("blocked by anti-bot wall"),
    FeedStatus.NOT_A_FEED: N_("not a feed"),
    FeedStatus.HTTP_ERROR: N_("http error"),
    FeedStatus.TIMEOUT: N_("timeout"),
    FeedStatus.NETWORK: N_("network error"),
    FeedStatus.TOO_LARGE: N_("too large"),
    FeedStatus.REDIRECTS: N_("redirect error"),
    FeedStatus.PARSE_ERROR: N_("parse error"),
    FeedStatus.INTERNAL: N_("internal error"),
}
CHAT_TYPES = {
    # i18n: Kinds of chat, counted in /stats.
    "private": N_("private"),
    "group": N_("group"),
    "supergroup": N_("supergroup"),
    "channel": N_("channel"),
}
OUTBOX_STATES = {
    # i18n: States of the messages to send, counted in /stats.
    "pending": N_("pending"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def admin_only(handler: Handler) -> Handler:
    """Run ``handler`` for users in telegram.admins in a private chat with the bot; answer
    like an unknown command otherwise. In a group every member would read the answer, and
    even a refusal worded for admins would tell them who the bot's admin is."""

    @wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        in_private = chat is not None and chat.type == Chat.PRIVATE
        if not in_private or not services_of(context).is_admin(user.id if user else None):
            await unknown_command(update, context)
            return
        await handler(update, context)

    return guarded


@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Counts only: chats by type, subscriptions per topic, stories today, the outbox; in
    one message, however many topics (the last ones counted, not shown, if need be)."""
    bot = services_of(context)
    tr = await chat_translator(update, context)
    found = await gather_stats(bot.services.db, now())
    titles = bot.topic_titles(tr.language)
    chats = tr.gettext("Chats: {counts}; {inactive} inactive").format(
        counts=_counts(found.chats_by_type, CHAT_TYPES, tr),
        inactive=tr.number(found.inactive_chats),
    )
    head = ["<b>" + tr.gettext("Stats") + "</b>", chats, tr.gettext("Subscriptions:")]
    stories = tr.number(found.stories_last_day)
    tail = [tr.gettext("Stories found in the last 24 hours: {n}").format(n=stories)]
    if found.outbox:
        outbox = _counts(found.outbox, OUTBOX_STATES, tr)
        tail.append(tr.gettext("Outbox: {counts}").format(counts=outbox))
    lines = [
        f"• {escape(titles.get(t, t))}: {tr.number(n)}"
        for t, n in sorted(found.subscriptions.items())
    ]
    room = MAX_MESSAGE - visible_length("\n".join(head + tail)) - 2
    more = tr.gettext("…and {n} more")
    await reply(update, context, "\n".join(head + within(lines, room, more=more) + tail))


@admin_only
async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Each feed: status, last success, error and next poll; those that need a look first,
    in one message (the rest counted, not shown, if they do not all fit)."""
    health = await feed_health(services_of(context).services.db)
    tr = await chat_translator(update, context)
    failing = [f for f in health if f.enabled and f.status not in FINE]
    stopped = [f for f in health if not f.enabled]
    head = tr.gettext("No feeds configured.")
    if health:
        head = tr.gettext("<b>Feeds</b>: {total}; {failing} failing, {stopped} stopped").format(
            total=tr.number(len(health)),
            failing=tr.number(len(failing)),
            stopped=tr.number(len(stopped)),
        )
    first = {f.id for f in failing + stopped}
    ordered = failing + stopped + [f for f in health if f.id not in first]
    blocks = within(
        [feed_block(f, tr) for f in ordered],
        MAX_MESSAGE - visible_length(head) - 2,
        separator="\n\n",
        more=tr.gettext("…and {n} more feeds"),
    )
    await reply(update, context, "\n\n".join([head, *blocks]))


def feed_block(feed: FeedHealth, tr: Translator) -> str:
    """One feed's health in a few lines (its error as the fetcher wrote it)."""
    label = STATUS_LABELS.get(feed.status)
    state = tr.gettext("disabled") if not feed.enabled else tr.gettext(label or feed.status)
    lines = [f"<b>{escape(feed.name)}</b> — {escape(state)}"]
    if feed.url.lower().startswith("http://"):
        lines.append(
            tr.gettext("⚠ fetched over plain http: anyone on the way can read and change it")
        )
    success = _when(feed.last_success, tr) if feed.last_success else tr.gettext("never")
    lines.append(tr.gettext("last success: {when}").format(when=success))
    if feed.error and feed.status not in ("ok", "not modified"):
        count = tr.number(feed.error_count)
        error = escape(feed.error[:300])
        lines.append(tr.gettext("error ({count}×): {error}").format(count=count, error=error))
    if feed.disabled_reason:
        lines.append(tr.gettext("stopped: {reason}").format(reason=escape(feed.disabled_reason)))
    elif feed.enabled:
        when = _when(feed.next_poll, tr) if feed.next_poll else tr.gettext("now")
        lines.append(tr.gettext("next poll: {when}").format(when=when))
    return "\n".join(lines)


def _when(moment: datetime, tr: Translator) -> str:
    return tr.digits(f"{moment:%Y-%m-%d %H:%M} UTC")


@admin_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read the config file; on any error keep the running config and say why."""
    bot = services_of(context)
    tr = await chat_translator(update, context)
    if bot.config_path is None:
        await reply(
            update, context, tr.gettext("This process was started without a config file path.")
        )
        return
    try:
        config = await asyncio.to_thread(load_config, bot.config_path)
        await apply_config(bot.services, config)
    except (ConfigError, ValueError) as error:
        # i18n: Then the config's problems, as the config checker writes them (in English).
        kept = tr.gettext("Config not reloaded; still running the old one.")
        problems = config_problems(str(error), more=tr.gettext("…and {n} more"))
        await reply(update, context, f"{kept}\n<pre>{escape(problems)}</pre>")
        return
    done = tr.gettext("Config reloaded: {feeds} feeds, {topics} topics.")
    await reply(
        update,
        context,
        done.format(feeds=tr.number(len(config.feeds)), topics=tr.number(len(config.topics))),
    )


def config_problems(message: str, *, more: str, shown: int = 10, width: int = 300) -> str:
    """The first ``shown`` problems of a config error, each cut to ``width`` characters, and
    how many more (``more``: "…and {n} more"): a file with hundreds of mistakes still fits
    one message."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    cut = [line if len(line) <= width else line[: width - 1] + "…" for line in lines[:shown]]
    rest = len(lines) - shown
    return "\n".join(cut + ([more.format(n=rest)] if rest > 0 else []))


def _counts(counts: dict[str, int], labels: dict[str, str], tr: Translator) -> str:
    return ", ".join(
        f"{tr.number(n)} {tr.gettext(labels.get(kind, kind))}"
        for kind, n in sorted(counts.items())
    ) or tr.gettext("none")
