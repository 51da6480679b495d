"""/settings: delivery mode, digest hour and day, time zone, discreet and silent mode, quiet
hours, language and digits."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import services_of
from bot.handlers.start import describe_delivery
from bot.keyboards import SETTING, settings_keyboard
from bot.permissions import may_change, permitted_press, refusal
from bot.replies import chat_translator, current_chat, redraw, reply
from bot.settings_args import (
    DEFAULT_QUIET,
    MODES,
    WEEKDAYS,
    parse_settings_args,
    typed_in_english,
)
from bot.text_input import clean_args, echo
from news.delivery.render import escape
from news.delivery.timezones import is_known_zone
from news.i18n.catalogs import available_languages
from news.i18n.translator import N_, Translator
from news.models import ChatSettings
from news.store.chats import update_chat

ADMINS_ONLY = N_("Only this {chat}'s administrators can change its settings.")
# i18n: Typed settings: translate the words /settings understands in your language (its
# modes, on, off, and weekday names); keep the command, the times and the zone names.
USAGE = N_(
    "Examples: <code>/settings instant</code>, "
    "<code>/settings daily 07:30 Asia/Phnom_Penh</code>, "
    "<code>/settings weekly fri 09:00</code>, <code>/settings tz UTC+7</code>, "
    "<code>/settings discreet on</code>, <code>/settings silent on</code>, "
    "<code>/settings quiet 22:00-07:00</code>"
)


def settings_text(chat: ChatSettings, tr: Translator) -> str:
    """The chat's current settings, in words."""
    on = tr.gettext("on")
    off = tr.gettext("off")
    # i18n: /settings, when discreet mode is on.
    discreet = tr.gettext("on: notifications start with a neutral line") if chat.discreet else off
    # i18n: /settings, when silent pushes are on.
    silent = tr.gettext("on: pushes arrive without sound") if chat.silent else off
    quiet = off
    if chat.quiet_hours:
        # i18n: /settings: quiet hours like 22:00-07:00 in a time zone.
        quiet = tr.gettext("{hours} ({zone}): instant alerts wait, then come as one").format(
            hours=tr.digits(chat.quiet_hours), zone=escape(chat.timezone)
        )
    lines = [
        "<b>" + tr.gettext("Settings") + "</b>",
        tr.gettext("Delivery: {delivery}").format(delivery=escape(describe_delivery(chat, tr))),
        tr.gettext("Discreet mode: {state}").format(state=discreet),
        tr.gettext("Silent: {state}").format(state=silent),
        tr.gettext("Quiet hours: {state}").format(state=quiet),
    ]
    if tr.has_own_digits:
        lines.append(
            tr.gettext("Own digits: {state}").format(state=on if chat.native_digits else off)
        )
    # i18n: Before the examples of typed settings.
    return "\n".join(lines) + "\n\n" + tr.gettext("Tap below, or type.") + " " + tr.gettext(USAGE)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings with buttons, or apply typed arguments."""
    args = clean_args(context.args)
    if args and not await may_change(update, context):  # before the chat is stored
        tr = await chat_translator(update, context)
        await reply(update, context, refusal(update, tr, ADMINS_ONLY))
        return
    chat = await current_chat(update, context)
    tr = services_of(context).translator(chat)
    if args:
        change = parse_settings_args(typed_in_english(args, tr))
        if change.problem is not None:
            await reply(update, context, _not_understood(change.problem, tr))
            return
        chat = await update_chat(services_of(context).services.db, chat.id, **change.changes)
        tr = services_of(context).translator(chat)
    await reply(update, context, settings_text(chat, tr), markup=settings_keyboard(chat, tr))


def _not_understood(problem: str, tr: Translator) -> str:
    modes = ", ".join(tr.gettext(word) for word in MODES)
    days = ", ".join(tr.weekday(index) for index in range(7))
    # i18n: Typed /settings that could not be read; {problem} is what the user typed.
    text = tr.gettext(
        "I didn't understand “{problem}”. Modes: {modes}; times like 07:30; days {days}; "
        "time zones like Asia/Phnom_Penh, Phnom Penh or UTC+7."
    )
    return text.format(problem=echo(problem), modes=modes, days=days) + "\n" + tr.gettext(USAGE)


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
    tr = services_of(context).translator(chat)
    await redraw(update, context, settings_text(chat, tr), settings_keyboard(chat, tr))


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
    if name == "lang" and value in available_languages():
        return {"language": value}
    toggles = {"discreet": "discreet", "silent": "silent", "digits": "native_digits"}
    if name in toggles:
        return {toggles[name]: not getattr(chat, toggles[name])}
    if name == "quiet":
        return {"quiet_hours": None if chat.quiet_hours else DEFAULT_QUIET}
    return {}
