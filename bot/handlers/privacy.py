"""/privacy and /forget: what is kept, and erasing it."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import services_of
from bot.keyboards import FORGET, forget_keyboard
from bot.permissions import may_change, permitted_press, refusal
from bot.replies import chat_translator, redraw, reply
from news.i18n.translator import N_
from news.store.chats import forget_chat

# i18n: /privacy. {sent}, {received} and {closed} are numbers of days (7, 30, 30).
PRIVACY = N_(
    "<b>What I store about this chat</b>\n"
    "• the chat's id and type (private, group or channel);\n"
    "• the topics it follows and its settings (language, delivery mode, hour, time zone, "
    "discreet mode);\n"
    "• messages waiting to be sent to it, and which stories it already received (so none "
    "arrives twice).\n\n"
    "<b>What I never store</b>: names, usernames, phone numbers, language codes, or anything "
    "you type.\n\n"
    "<b>For how long</b>: settings until you /forget or block me; sent messages are deleted "
    "after {sent} days and the record of received stories after {received}; a chat that "
    "blocked me or removed me is erased after {closed} days.\n\n"
    "Telegram itself can read chats with bots (they are not end-to-end encrypted). "
    "Discreet mode (/settings) keeps headlines off lock screens. /forget erases everything "
    "now."
)
CONFIRM = N_(
    "Erase everything I store about this chat — its topics, settings and pending messages? "
    "This cannot be undone."
)
ADMINS_ONLY = N_("Only this {chat}'s administrators can erase its data.")


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Exactly what is stored, for how long."""
    tr = await chat_translator(update, context)
    days = {"sent": tr.number(7), "received": tr.number(30), "closed": tr.number(30)}
    await reply(update, context, tr.gettext(PRIVACY).format(**days))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before erasing."""
    tr = await chat_translator(update, context)
    if not await may_change(update, context):
        await reply(update, context, refusal(update, tr, ADMINS_ONLY))
        return
    await reply(update, context, tr.gettext(CONFIRM), markup=forget_keyboard(tr))


async def confirm_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The confirmation button: erase every row for the chat, then say so (in the chat's
    language, read before its row goes)."""
    query = await permitted_press(update, context, ADMINS_ONLY)
    chat = update.effective_chat
    if query is None or chat is None:
        return
    tr = await chat_translator(update, context)
    await query.answer()
    if query.data != f"{FORGET}yes":
        await redraw(update, context, tr.gettext("Nothing was erased."))
        return
    await forget_chat(services_of(context).services.db, chat.id)
    # i18n: After /forget: the chat's language is erased too, so /start asks for one again.
    done = tr.gettext(
        "Done: everything I stored about this chat is erased, pending messages included. "
        "/start begins again."
    )
    await redraw(update, context, done)
