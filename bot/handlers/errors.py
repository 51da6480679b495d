"""The error handler and the reply to commands the bot does not know."""

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import services_of
from bot.replies import chat_translator, reply
from news.i18n.translator import N_

log = logging.getLogger(__name__)
UNKNOWN = N_("I don't know that command. /help lists what I can do.")
SORRY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
STALE = N_("This button no longer works. Send the command again for a fresh one.")
HINT = N_("I answer commands only. /help lists them; /latest shows the newest stories.")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unknown commands, and admin commands from non-admins, get the same answer."""
    tr = await chat_translator(update, context)
    await reply(update, context, tr.gettext(UNKNOWN))


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message that is no command: a one-line hint, never silence. (Groups and
    channels talk among themselves: the bot answers only its commands there.)"""
    tr = await chat_translator(update, context)
    await reply(update, context, tr.gettext(HINT))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no other handler takes (an old or forged button): answered all the same, so
    the client stops waiting, and nothing changes."""
    if update.callback_query is not None:
        tr = await chat_translator(update, context)
        await update.callback_query.answer(tr.gettext(STALE))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception (never the message text) and apologise without details: paced and
    retried like any reply, so a 429 cannot swallow the apology too."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handler failed on update %s", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            try:
                tr = await chat_translator(update, context)
            except Exception:  # the database may be what failed: apologise all the same
                tr = services_of(context).translator(None)
            await reply(update, context, tr.gettext(SORRY))
        except Exception:  # the apology itself failing must not loop back here
            log.warning("could not tell chat about the error", exc_info=True)
