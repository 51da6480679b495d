"""/settings: delivery mode, digest hour and day, time zone, discreet and silent mode, quiet
hours."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import services_of
from bot.handlers.start import describe_delivery
from bot.keyboards import SETTING, settings_keyboard
from bot.permissions import may_change, permitted_press, refusal
from bot.replies import current_chat, redraw, reply
from bot.settings_args import DEFAULT_QUIET, MODES, WEEKDAYS, parse_settings_args
from bot.text_input import clean_args, echo
from news.delivery.render import escape
from news.delivery.timezones import is_known_zone
from news.models import ChatSettings
from news.store.chats import update_chat

ADMINS_ONLY = "Only this {chat}'s administrators can change its settings."
USAGE = (
    "Examples: <code>/settings instant</code>, "
    "<code>/settings daily 07:30 Asia/Phnom_Penh</code>, "
    "<code>/settings weekly fri 09:00</code>, <code>/settings tz UTC+7</code>, "
    "<code>/settings discreet on</code>, <code>/settings silent on</code>, "
    "<code>/settings quiet 22:00-07:00</code>"
)


def settings_text(chat: ChatSettings) -> str:
    """The chat's current settings, in words."""
    delivery = describe_delivery(chat.mode, chat.digest_time, chat.timezone, chat.weekday)
    discreet = "on: notifications start with a neutral line" if chat.discreet else "off"
    silent = "on: pushes arrive without sound" if chat.silent else "off"
    quiet = (
        f"{chat.quiet_hours} ({escape(chat.timezone)}): instant alerts wait, then come as one"
        if chat.quiet_hours
        else "off"
    )
    return (
        f"<b>Settings</b>\nDelivery: {escape(delivery)}\nDiscreet mode: {discreet}\n"
        f"Silent: {silent}\nQuiet hours: {quiet}\n\nTap below, or type. {USAGE}"
    )


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings with buttons, or apply typed arguments."""
    args = clean_args(context.args)
    if args and not await may_change(update, context):  # before the chat is stored
        await reply(update, context, refusal(update, ADMINS_ONLY))
        return
    chat = await current_chat(update, context)
    if args:
        change = parse_settings_args(args)
        if change.problem is not None:
            await reply(
                update,
                context,
                f"I didn't understand “{echo(change.problem)}”. Modes: {', '.join(MODES)}; "
                f"times like 07:30; days {', '.join(WEEKDAYS)}; time zones like "
                f"Asia/Phnom_Penh, Phnom Penh or UTC+7.\n{USAGE}",
            )
            return
        chat = await update_chat(services_of(context).services.db, chat.id, **change.changes)
    await reply(update, context, settings_text(chat), markup=settings_keyboard(chat))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A settings button: apply it and redraw the message in place."""
    query = await permitted_press(update, context, ADMINS_ONLY)
    if query is None or query.data is None:
        return
    chat = await current_chat(update, context)
    changes = button_change(chat, query.data.removeprefix(SETTING))
    if changes:
        chat = await update_chat(services_of(context).services.db, chat.id, **changes)
    await query.answer()
    await redraw(update, context, settings_text(chat), settings_keyboard(chat))


def button_change(chat: ChatSettings, action: str) -> dict[str, object]:
    """The setting a button press changes; empty for a no-op or a stale button."""
    name, _, value = action.partition(":")
    if name == "mode" and value in MODES:
        return {"mode": value}
    if name == "hour" and value in ("+1", "-1"):
        hour, minute = (int(part) for part in chat.digest_time.split(":"))
        return {"digest_time": f"{(hour + int(value)) % 24:02d}:{minute:02d}"}
    if name == "day":
        return {"weekday": WEEKDAYS[(WEEKDAYS.index(chat.weekday) + 1) % 7]}
    if name == "tz" and is_known_zone(value):
        return {"timezone": value}
    if name == "discreet":
        return {"discreet": not chat.discreet}
    if name == "silent":
        return {"silent": not chat.silent}
    if name == "quiet":
        return {"quiet_hours": None if chat.quiet_hours else DEFAULT_QUIET}
    return {}
