"""Admin commands: /stats, /feeds, /reload. Others get the unknown-command reply."""

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.app import apply_config
from bot.console import OK_STATUSES
from bot.context import now, services_of
from bot.handlers.errors import unknown_command
from bot.replies import reply
from bot.sizing import within
from news.config import ConfigError, load_config
from news.delivery.render import MAX_MESSAGE, escape, visible_length
from news.models import FeedStatus
from news.store.feeds import FeedHealth, feed_health
from news.store.stats import gather_stats

FINE = {*OK_STATUSES, FeedStatus.NEW}  # a feed not polled yet has not failed
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
    found = await gather_stats(bot.services.db, now())
    titles = bot.topic_titles()
    head = [
        "<b>Stats</b>",
        "Chats: " + _counts(found.chats_by_type) + f"; {found.inactive_chats} inactive",
        "Subscriptions:",
    ]
    tail = [f"Stories found in the last 24 hours: {found.stories_last_day}"]
    if found.outbox:
        tail.append("Outbox: " + _counts(found.outbox))
    lines = [f"• {escape(titles.get(t, t))}: {n}" for t, n in sorted(found.subscriptions.items())]
    room = MAX_MESSAGE - visible_length("\n".join(head + tail)) - 2
    await reply(update, context, "\n".join(head + within(lines, room) + tail))


@admin_only
async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Each feed: status, last success, error and next poll; those that need a look first,
    in one message (the rest counted, not shown, if they do not all fit)."""
    health = await feed_health(services_of(context).services.db)
    failing = [f for f in health if f.enabled and f.status not in FINE]
    stopped = [f for f in health if not f.enabled]
    head = (
        f"<b>Feeds</b>: {len(health)}; {len(failing)} failing, {len(stopped)} stopped"
        if health
        else "No feeds configured."
    )
    first = {f.id for f in failing + stopped}
    ordered = failing + stopped + [f for f in health if f.id not in first]
    blocks = within(
        [feed_block(f) for f in ordered],
        MAX_MESSAGE - visible_length(head) - 2,
        separator="\n\n",
        more="…and {n} more feeds",
    )
    await reply(update, context, "\n\n".join([head, *blocks]))


def feed_block(feed: FeedHealth) -> str:
    """One feed's health in a few lines."""
    state = "disabled" if not feed.enabled else feed.status
    lines = [f"<b>{escape(feed.name)}</b> — {escape(state)}"]
    if feed.url.lower().startswith("http://"):
        lines.append("⚠ fetched over plain http: anyone on the way can read and change it")
    success = f"{feed.last_success:%Y-%m-%d %H:%M} UTC" if feed.last_success else "never"
    lines.append(f"last success: {success}")
    if feed.error and feed.status not in ("ok", "not modified"):
        lines.append(f"error ({feed.error_count}×): {escape(feed.error[:300])}")
    if feed.disabled_reason:
        lines.append(f"stopped: {escape(feed.disabled_reason)}")
    elif feed.enabled:
        when = f"{feed.next_poll:%Y-%m-%d %H:%M} UTC" if feed.next_poll else "now"
        lines.append(f"next poll: {when}")
    return "\n".join(lines)


@admin_only
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read the config file; on any error keep the running config and say why."""
    bot = services_of(context)
    if bot.config_path is None:
        await reply(update, context, "This process was started without a config file path.")
        return
    try:
        config = await asyncio.to_thread(load_config, bot.config_path)
        await apply_config(bot.services, config)
    except (ConfigError, ValueError) as error:
        await reply(
            update,
            context,
            "Config not reloaded; still running the old one.\n"
            f"<pre>{escape(config_problems(str(error)))}</pre>",
        )
        return
    await reply(
        update,
        context,
        f"Config reloaded: {len(config.feeds)} feeds, {len(config.topics)} topics.",
    )


def config_problems(message: str, *, shown: int = 10, width: int = 300) -> str:
    """The first ``shown`` problems of a config error, each cut to ``width`` characters, and
    how many more: a file with hundreds of mistakes still fits one message."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    cut = [line if len(line) <= width else line[: width - 1] + "…" for line in lines[:shown]]
    more = len(lines) - shown
    return "\n".join(cut + ([f"… and {more} more"] if more > 0 else []))


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
