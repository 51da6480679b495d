"""Feed dates as feedparser reads them, with the two common shapes read without its handler chain.

A string that is exactly RFC 822 ("Tue, 03 Feb 2026 10:00:00 +0000") or W3C/ISO 8601
("2026-02-03T10:00:00Z") is computed here the way feedparser's ``rfc822`` and ``w3dtf`` handlers
compute it, straight to an aware UTC datetime; anything else, and any value they would reject,
goes to feedparser's own ``_parse_date`` (asctime, Greek, Korean, Hungarian, loose ISO 8601...),
which returns a UTC struct_time. Both name the same instant.
"""

import re
import time
from datetime import UTC, datetime, timedelta

from feedparser.datetimes import _parse_date

_DAY = "(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? +"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_RFC822 = re.compile(
    rf"(?:{_DAY})?(\d{{1,2}}) +({'|'.join(_MONTHS)})[a-z]* +(\d{{4}}) +(\d{{1,2}}):(\d{{2}})"
    r"(?::(\d{2}))? +([+-]\d{4}|gmt|utc?|z|[ecmp][sd]t)",
    re.IGNORECASE | re.ASCII,
)
_W3C = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:t(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(z|[+-]\d{2}:\d{2}))?",
    re.IGNORECASE | re.ASCII,
)
_ZONES = {"gmt": 0, "ut": 0, "utc": 0, "z": 0, "edt": -4, "est": -5, "cdt": -5, "cst": -6}
_ZONES |= {"mdt": -6, "mst": -7, "pdt": -7, "pst": -8}


def parse_date(value: str | None) -> datetime | time.struct_time | None:
    """The instant feedparser's ``_parse_date`` finds in ``value``, usually much sooner."""
    if not value:
        return None
    found = _rfc822(value) or _w3c(value)
    if found is not None:
        return found
    parsed: time.struct_time | None = _parse_date(value)
    return parsed


def _rfc822(value: str) -> datetime | None:
    match = _RFC822.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute, second, zone = match.groups()
    zone = zone.lower()
    if zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        offset = timedelta(hours=sign * int(zone[1:3]), minutes=sign * int(zone[3:5]))
    else:
        offset = timedelta(hours=_ZONES[zone])
    return _utc(
        (int(year), _MONTHS.index(month.lower()) + 1, int(day)),
        (int(hour), int(minute), int(second or 0)),
        offset,
    )


def _w3c(value: str) -> datetime | None:
    match = _W3C.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    offset = timedelta(0)
    if zone and zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        offset = timedelta(hours=sign * int(zone[1:3]), minutes=sign * int(zone[4:]))
    return _utc(
        (int(year), int(month), int(day)),
        (int(hour or 0), int(minute or 0), int(second or 0)),
        offset,
    )


def _utc(
    date: tuple[int, int, int], clock: tuple[int, int, int], offset: timedelta
) -> datetime | None:
    """None when the date is impossible or far out: feedparser's handlers then decide."""
    if not 1900 < date[0] < 9999:
        return None
    try:
        return datetime(*date, *clock, tzinfo=UTC) - offset
    except ValueError:
        return None
