"""Inline keyboards: the topic picker, settings, and the /forget confirmation."""

from collections.abc import Collection, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.settings_args import MODES
from news.models import ChatSettings
from news.topics.config import TopicConfig

TOPIC = "t:"
PAGE = "p:"
SETTING = "s:"
FORGET = "f:"
ZONES = (
    ("Phnom Penh", "Asia/Phnom_Penh"),
    ("Bangkok", "Asia/Bangkok"),
    ("UTC", "UTC"),
    ("Brussels", "Europe/Brussels"),
    ("Geneva", "Europe/Zurich"),
    ("New York", "America/New_York"),
)


def topic_keyboard(
    topics: Sequence[TopicConfig],
    followed: Collection[str],
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
                f"{'✓ ' if t.slug in followed else ''}{t.title}",
                callback_data=f"{TOPIC}{t.slug}{where}",
            )
        ]
        for t in topics
    ]
    if page is not None and pages > 1:
        turn = [("‹ Prev", page - 1), ("Next ›", page + 1)]
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=f"{PAGE}{to}")
                for label, to in turn
                if 0 <= to < pages
            ]
        )
    return InlineKeyboardMarkup(rows)


def settings_keyboard(chat: ChatSettings) -> InlineKeyboardMarkup:
    """Mode, hour, weekday, time zone and discreet mode, each a tap away."""
    modes = [
        InlineKeyboardButton(
            f"{'✓ ' if chat.mode == mode else ''}{mode}", callback_data=f"{SETTING}mode:{mode}"
        )
        for mode in MODES
    ]
    hour = [
        InlineKeyboardButton("− 1h", callback_data=f"{SETTING}hour:-1"),
        InlineKeyboardButton(f"🕗 {chat.digest_time}", callback_data=f"{SETTING}noop"),
        InlineKeyboardButton("+ 1h", callback_data=f"{SETTING}hour:+1"),
    ]
    zones = [
        InlineKeyboardButton(
            f"{'✓ ' if chat.timezone == zone else ''}{label}", callback_data=f"{SETTING}tz:{zone}"
        )
        for label, zone in ZONES
    ]
    rows = [modes, hour, zones[:3], zones[3:]]
    if chat.mode == "weekly":
        rows.insert(
            2, [InlineKeyboardButton(f"Day: {chat.weekday} ▸", callback_data=f"{SETTING}day:+1")]
        )
    discreet = "on" if chat.discreet else "off"
    rows.append(
        [InlineKeyboardButton(f"Discreet mode: {discreet}", callback_data=f"{SETTING}discreet")]
    )
    quiet = chat.quiet_hours or "off"
    rows.append(
        [
            InlineKeyboardButton(
                f"Silent: {'on' if chat.silent else 'off'}", callback_data=f"{SETTING}silent"
            ),
            InlineKeyboardButton(f"Quiet: {quiet}", callback_data=f"{SETTING}quiet"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def forget_keyboard() -> InlineKeyboardMarkup:
    """Confirm or cancel erasing the chat."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes, erase everything", callback_data=f"{FORGET}yes"),
                InlineKeyboardButton("Cancel", callback_data=f"{FORGET}no"),
            ]
        ]
    )
