"""When a chat's digest is due, in its own time zone. Pure: ``now`` is passed in.

A period is named by the local date its digest falls on ("daily:2026-11-27"). The digest of
the latest period whose due time has passed is sent once; a later date is the only thing that
makes a new one. So restarts and missed ticks catch up with one digest (never several), and a
clock that jumps back can never send an older period again.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from news.delivery.timezones import resolve_zone
from news.i18n.translator import N_, Translator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Period:
    """One digest period: its key, the local day it belongs to and when it fell due."""

    key: str
    day: date
    due_at: datetime

    @property
    def mode(self) -> str:
        """ "daily" or "weekly"."""
        return self.key.partition(":")[0]


def period_title(period: Period, tr: Translator) -> str:
    """A heading for the digest: "Daily digest, Fri 27 Nov 2026"."""
    if period.mode == "weekly":
        # i18n: The heading of a weekly digest; {day} is the day it was sent.
        return tr.gettext("Weekly digest, {day}").format(day=period_label(period, tr))
    # i18n: The heading of a daily digest: "Daily digest, Fri 27 Nov 2026".
    return tr.gettext("Daily digest, {day}").format(day=period_label(period, tr))


def period_label(period: Period, tr: Translator) -> str:
    """The local day alone, "Mon 7 Dec 2026": what heads a discreet chat's digest."""
    # i18n: A CLDR date pattern (EEE weekday, d day, MMM month, y year): "Mon 7 Dec 2026".
    return tr.date(period.day, N_("EEE d MMM y"))


def current_period(
    mode: str, digest_time: str, zone_name: str, weekday: str, now: datetime
) -> Period | None:
    """The latest period of a daily or weekly chat whose due time is at or before ``now``."""
    if mode not in ("daily", "weekly"):
        return None
    zone = resolve_zone(zone_name)
    if zone is None:
        return None
    hour, minute = (int(part) for part in digest_time.split(":"))
    local_now = now.astimezone(zone)
    day = local_now.date()
    if mode == "weekly":
        day -= timedelta(days=(day.weekday() - WEEKDAYS.index(weekday)) % 7)
    step = timedelta(days=7 if mode == "weekly" else 1)
    due = _at(day, hour, minute, zone)
    if due > now:
        day -= step
        due = _at(day, hour, minute, zone)
    return Period(f"{mode}:{day.isoformat()}", day, due)


def is_newer(period: Period, last_key: str | None) -> bool:
    """Whether ``period`` comes after the last digest sent (by date, whatever the mode)."""
    if last_key is None:
        return True
    try:
        last_day = date.fromisoformat(last_key.partition(":")[2])
    except ValueError:
        return True
    return period.day > last_day


def _at(day: date, hour: int, minute: int, zone: tzinfo) -> datetime:
    # In a DST gap (02:30 that never happens) this is the matching instant an hour off;
    # in an overlap, the first of the two. Either way exactly one instant per day.
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def due_period(
    mode: str,
    digest_time: str,
    zone_name: str,
    weekday: str,
    last_key: str | None,
    created: datetime,
    now: datetime,
) -> Period | None:
    """The period whose digest a chat is owed now, if any: its latest one, newer than the last
    it got, and (a new chat's first digest) falling due after the chat arrived."""
    period = current_period(mode, digest_time, zone_name, weekday, now)
    if period is not None and is_newer(period, last_key) and period.due_at >= created:
        return period
    return None
