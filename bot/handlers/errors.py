"""The error handler and the reply to commands the bot does not know."""

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.replies import reply

log = logging.getLogger(__name__)
UNKNOWN = "I don't know that command. /help lists what I can do."
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
STALE = "This button no longer works. Send the command again for a fresh one."
HINT = "I answer commands only. /help lists them; /latest shows the newest stories."


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unknown commands, and admin commands from non-admins, get the same answer."""
    await reply(update, context, UNKNOWN)


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message that is no command: a one-line hint, never silence. (Groups and
    channels talk among themselves: the bot answers only its commands there.)"""
    await reply(update, context, HINT)


async def stale_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no other handler takes (an old or forged button): answered all the same, so
    the client stops waiting, and nothing changes."""
    if update.callback_query is not None:
        await update.callback_query.answer(STALE)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception (never the message text) and apologise without details: paced and
    retried like any reply, so a 429 cannot swallow the apology too."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handler failed on update %s", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await reply(update, context, SORRY)
        except Exception:  # the apology itself failing must not loop back here
            log.warning("could not tell chat about the error", exc_info=True)
