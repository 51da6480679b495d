"""Admin commands: /stats, /feeds, /reload. Others get the unknown-command reply."""

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Chat, Update
from telegram.ext import ContextTypes

from bot.app import apply_config
from bot.context import now, services_of
from bot.handlers.errors import unknown_command
from bot.replies import reply
from news.config import ConfigError, load_config
from news.delivery.render import escape, pack
from news.store.feeds import FeedHealth, feed_health
from news.store.stats import gather_stats

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
    """Counts only: chats by type, subscriptions per topic, stories today, the outbox."""
    bot = services_of(context)
    found = await gather_stats(bot.services.db, now())
    titles = bot.topic_titles()
    lines = [
        "<b>Stats</b>",
        "Chats: " + _counts(found.chats_by_type) + f"; {found.inactive_chats} inactive",
    ]
    lines.append("Subscriptions:")
    lines += [f"• {escape(titles.get(t, t))}: {n}" for t, n in sorted(found.subscriptions.items())]
    lines.append(f"Stories found in the last 24 hours: {found.stories_last_day}")
    if found.outbox:
        lines.append("Outbox: " + _counts(found.outbox))
    await reply(update, context, "\n".join(lines))


@admin_only
async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Each feed: status, last success, error and next poll."""
    health = await feed_health(services_of(context).services.db)
    blocks = [feed_block(item) for item in health] or ["No feeds configured."]
    await reply(update, context, pack("<b>Feeds</b>", blocks))


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
