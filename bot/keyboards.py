"""Inline keyboards: the topic picker, settings, languages, and the /forget confirmation."""

from collections.abc import Collection, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.settings_args import MODES, WEEKDAYS
from news.i18n.catalogs import available_languages, language_name
from news.i18n.translator import N_, Translator
from news.models import ChatSettings
from news.topics.config import TopicConfig

TOPIC = "t:"
PAGE = "p:"
SETTING = "s:"
FORGET = "f:"
LANGUAGE = "lang:"
ZONES = (
    # i18n: A city naming its time zone, on a /settings button.
    (N_("Phnom Penh"), "Asia/Phnom_Penh"),
    # i18n: A city naming its time zone, on a /settings button.
    (N_("Bangkok"), "Asia/Bangkok"),
    # i18n: The time zone UTC, on a /settings button.
    (N_("UTC"), "UTC"),
    # i18n: A city naming its time zone, on a /settings button.
    (N_("Brussels"), "Europe/Brussels"),
    # i18n: A city naming its time zone, on a /settings button.
    (N_("Geneva"), "Europe/Zurich"),
    # i18n: A city naming its time zone, on a /settings button.
    (N_("New York"), "America/New_York"),
)
MODE_LABELS = {
    # i18n: A delivery mode: each story as it arrives.
    "instant": N_("instant"),
    # i18n: A delivery mode: one digest a day.
    "daily": N_("daily"),
    # i18n: A delivery mode: one digest a week.
    "weekly": N_("weekly"),
    # i18n: A delivery mode: nothing is pushed; also "off" for a setting.
    "off": N_("off"),
}


def topic_keyboard(
    topics: Sequence[TopicConfig],
    followed: Collection[str],
    tr: Translator,
    *,
    page: int | None = None,
    pages: int = 1,
) -> InlineKeyboardMarkup:
    """One button per topic; ✓ marks those the chat follows; a tap toggles. On a page of
    /topics (``page`` from 0), a tap says which page to redraw (at most 46 bytes of data),
    and "‹ Prev" / "Next ›" turn the pages."""
    where = "" if page is None else f":{page}"
    rows = [
        [
            InlineKeyboardButton(
                f"{'✓ ' if t.slug in followed else ''}{t.title_in(tr.language)}",
                callback_data=f"{TOPIC}{t.slug}{where}",
            )
        ]
        for t in topics
    ]
    if page is not None and pages > 1:
        # i18n: Buttons that turn the pages of /topics.
        turn = [(tr.gettext("‹ Prev"), page - 1), (tr.gettext("Next ›"), page + 1)]
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=f"{PAGE}{to}")
                for label, to in turn
                if 0 <= to < pages
            ]
        )
    return InlineKeyboardMarkup(rows)


def language_row(current: str | None, data: str) -> list[InlineKeyboardButton]:
    """A button per language, each in its own name, ✓ on ``current``; ``data`` is the
    callback data with ``{code}`` for the language."""
    return [
        InlineKeyboardButton(
            f"{'✓ ' if code == current else ''}{language_name(code)}",
            callback_data=data.format(code=code),
        )
        for code in available_languages()
    ]


def language_keyboard(current: str | None, *, then: str = "") -> InlineKeyboardMarkup:
    """The language picker of /language and of a chat's first /start (``then="start"``)."""
    suffix = f":{then}" if then else ""
    return InlineKeyboardMarkup([language_row(current, f"{LANGUAGE}{{code}}{suffix}")])


def settings_keyboard(chat: ChatSettings, tr: Translator) -> InlineKeyboardMarkup:
    """Mode, hour, weekday, time zone, discreet, silent and quiet, language, each a tap away."""
    rows = [_modes(chat, tr), _hours(chat, tr)]
    if chat.mode == "weekly":
        day = tr.weekday(WEEKDAYS.index(chat.weekday))
        # i18n: The weekly digest's day, on a button that moves it to the next day.
        label = tr.gettext("Day: {weekday} ▸").format(weekday=day)
        rows.append([InlineKeyboardButton(label, callback_data=f"{SETTING}day:+1")])
    zones = [
        InlineKeyboardButton(
            f"{'✓ ' if chat.timezone == zone else ''}{tr.gettext(label)}",
            callback_data=f"{SETTING}tz:{zone}",
        )
        for label, zone in ZONES
    ]
    rows += [zones[:3], zones[3:], *_toggles(chat, tr)]
    rows.append(language_row(tr.language, f"{SETTING}lang:{{code}}"))
    return InlineKeyboardMarkup(rows)


def _modes(chat: ChatSettings, tr: Translator) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            f"{'✓ ' if chat.mode == mode else ''}{tr.gettext(MODE_LABELS[mode])}",
            callback_data=f"{SETTING}mode:{mode}",
        )
        for mode in MODES
    ]


def _hours(chat: ChatSettings, tr: Translator) -> list[InlineKeyboardButton]:
    # i18n: Buttons moving the digest an hour earlier or later: "−1h", "+1h".
    earlier, later = tr.gettext("−{n}h"), tr.gettext("+{n}h")
    one = tr.number(1)
    return [
        InlineKeyboardButton(earlier.format(n=one), callback_data=f"{SETTING}hour:-1"),
        InlineKeyboardButton(f"🕗 {tr.digits(chat.digest_time)}", callback_data=f"{SETTING}noop"),
        InlineKeyboardButton(later.format(n=one), callback_data=f"{SETTING}hour:+1"),
    ]


def _toggles(chat: ChatSettings, tr: Translator) -> list[list[InlineKeyboardButton]]:
    on, off = tr.gettext("on"), tr.gettext(MODE_LABELS["off"])
    quiet = tr.digits(chat.quiet_hours) if chat.quiet_hours else off
    # i18n: Buttons that switch discreet mode, silent pushes and quiet hours.
    discreet = tr.gettext("Discreet mode: {state}").format(state=on if chat.discreet else off)
    silent = tr.gettext("Silent: {state}").format(state=on if chat.silent else off)
    rows = [
        [InlineKeyboardButton(discreet, callback_data=f"{SETTING}discreet")],
        [
            InlineKeyboardButton(silent, callback_data=f"{SETTING}silent"),
            InlineKeyboardButton(
                tr.gettext("Quiet: {hours}").format(hours=quiet), callback_data=f"{SETTING}quiet"
            ),
        ],
    ]
    if tr.has_own_digits:
        # i18n: A button: numbers in your language's own digits, or in 0-9.
        digits = tr.gettext("Own digits: {state}").format(state=on if chat.native_digits else off)
        rows.append([InlineKeyboardButton(digits, callback_data=f"{SETTING}digits")])
    return rows


def forget_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    """Confirm or cancel erasing the chat."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.gettext("Yes, erase everything"), callback_data=f"{FORGET}yes"
                ),
                InlineKeyboardButton(tr.gettext("Cancel"), callback_data=f"{FORGET}no"),
            ]
        ]
    )
