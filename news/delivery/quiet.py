"""Quiet hours: instant alerts held overnight in the chat's own time zone. Pure.

Written "22:00-07:00" (stored so), typed also as "22-7" or "10pm-7am". A span may cross
midnight; one whose start equals its end would be quiet all day and is refused.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From ``start`` to ``end``, local time; ``end`` may be on the next day."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_quiet(text: str) -> QuietHours | None:
    """ "22:00-07:00", "22-7", "10pm–7am" to quiet hours; None if it is not a span of hours."""
    parts = re.split(r"\s*[-–—]\s*|\s+to\s+", text.strip(), maxsplit=1)
    if len(parts) != 2:
        return None
    start, end = (parse_clock(part) for part in parts)
    if start is None or end is None or start == end:
        return None
    return QuietHours(start, end)


def is_quiet(hours: QuietHours, now: datetime, zone: tzinfo) -> bool:
    """Whether ``now`` falls in the quiet hours, as the chat's clock shows it."""
    local = now.astimezone(zone).time()
    if hours.start < hours.end:
        return hours.start <= local < hours.end
    return local >= hours.start or local < hours.end


def last_quiet_end(hours: QuietHours, now: datetime, zone: tzinfo) -> datetime:
    """When the latest quiet span that has ended ended, at or before ``now``."""
    local = now.astimezone(zone)
    end = datetime.combine(local.date(), hours.end, tzinfo=zone)
    if end > local:
        end = datetime.combine(local.date() - timedelta(days=1), hours.end, tzinfo=zone)
    return end


def parse_clock(text: str) -> time | None:
    """ "7", "07:30", "7pm", "19:05" (in any script's digits) to a time of day; None if not one."""
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def alert_hold(spec: str | None, zone: tzinfo, now: datetime, first_match: datetime) -> str:
    """What quiet hours do to a chat's owed alerts now: ``"hold"`` them (quiet now),
    send them as one ``"morning"`` batch (some were held), or nothing (``"send"``)."""
    hours = parse_quiet(spec) if spec else None
    if hours is None:
        return "send"
    if is_quiet(hours, now, zone):
        return "hold"
    return "morning" if first_match < last_quiet_end(hours, now, zone) else "send"
