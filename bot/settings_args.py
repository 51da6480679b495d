"""Typed /settings arguments ("daily 07:30 Asia/Phnom_Penh", "discreet on") to changes. Pure."""

from dataclasses import dataclass, field

from news.delivery.quiet import parse_clock, parse_quiet
from news.delivery.timezones import resolve_zone, zone_name
from news.i18n.translator import N_, Translator
from news.topics.khmer import matching_key

MODES = ("instant", "daily", "weekly", "off")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = dict(
    zip(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        WEEKDAYS,
        strict=True,
    )
)
_ON = {"on", "yes", "true"}
DEFAULT_QUIET = "22:00-07:00"
_OFF = {"off", "no", "false", "normal"}


# Words typed after /settings besides the modes: each language's own are understood too.
KEYWORDS = (
    # i18n: A word typed after /settings: "/settings discreet on".
    N_("on"),
    # i18n: A word typed after /settings to switch discreet mode: "/settings discreet on".
    N_("discreet"),
    # i18n: A word typed after /settings to switch silent pushes: "/settings silent on".
    N_("silent"),
    # i18n: A word typed after /settings before quiet hours: "/settings quiet 22:00-07:00".
    N_("quiet"),
)


def typed_in_english(args: list[str], tr: Translator) -> list[str]:
    """Typed words in the chat's language as the ones the parser reads: "ប្រចាំថ្ងៃ" is
    "daily", "ច័ន្ទ" "mon" (digits of any script are read as they are)."""
    words = {matching_key(tr.gettext(word)): word for word in (*MODES, *KEYWORDS)}
    words |= {matching_key(tr.weekday(index)): day for index, day in enumerate(WEEKDAYS)}
    return [words.get(matching_key(arg), arg) for arg in args]


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """What the user asked to change, or why it could not be understood."""

    changes: dict[str, object] = field(default_factory=dict)
    problem: str | None = None


def parse_settings_args(args: list[str]) -> SettingsChange:
    """Read mode, time, weekday, time zone, discreet and silent mode and quiet hours ("quiet
    22:00-07:00", "quiet off") from words in any order."""
    changes: dict[str, object] = {}
    rest: list[str] = []
    words = [w for w in args if w]
    index = 0
    while index < len(words):
        word = words[index]
        lowered = word.lower()
        following = words[index + 1].lower() if index + 1 < len(words) else "on"
        if lowered in ("discreet", "silent"):
            if following in _ON | _OFF:
                index += 1
            changes[lowered] = following not in _OFF
        elif lowered == "quiet":
            found = _quiet(words[index + 1 :])
            if found is None:
                return SettingsChange(problem=" ".join(words[index : index + 2]))
            changes["quiet_hours"], used = found
            index += used
        elif lowered in ("tz", "timezone", "zone"):
            pass  # a label; the zone itself is whatever words remain
        elif lowered in MODES and "mode" not in changes:
            changes["mode"] = lowered
        elif (day := _weekday(lowered)) is not None:
            changes["weekday"] = day
        elif (time := parse_time(lowered)) is not None:
            changes["digest_time"] = time
        else:
            rest.append(word)
        index += 1
    if rest:
        zone = resolve_zone(" ".join(rest))
        if zone is None:
            return SettingsChange(problem=" ".join(rest))
        changes["timezone"] = zone_name(zone)
    return SettingsChange(changes)


def parse_time(text: str) -> str | None:
    """ "7", "07:30", "7pm", "19:05" to "HH:MM"; None if it is not a time of day."""
    clock = parse_clock(text)
    return None if clock is None else f"{clock:%H:%M}"


def _quiet(words: list[str]) -> tuple[str | None, int] | None:
    """Quiet hours from the words after "quiet" (a span in one word or three, "on" or "off")
    and how many words it took; None if they are not quiet hours."""
    first = words[0].lower() if words else "on"
    if first in _OFF:
        return None, 1
    if first in _ON:
        return DEFAULT_QUIET, min(1, len(words))
    for taken in (3, 1):
        hours = parse_quiet(" ".join(words[:taken])) if len(words) >= taken else None
        if hours is not None:
            return str(hours), taken
    return None


def _weekday(text: str) -> str | None:
    if len(text) < 3:
        return None
    return next((day for name, day in _DAY_NAMES.items() if name.startswith(text)), None)
