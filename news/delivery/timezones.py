"""Time zones by IANA name, city or UTC offset, as subscribers type them."""

import re
from datetime import UTC, timedelta, timezone, tzinfo
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def is_known_zone(name: str) -> bool:
    """True for an IANA zone name ("Asia/Phnom_Penh") or a UTC offset ("UTC+7")."""
    return resolve_zone(name) is not None


def resolve_zone(text: str) -> tzinfo | None:
    """A tzinfo for an IANA name, a city ("phnom penh") or an offset ("UTC+7", "-05:00")."""
    text = text.strip()
    if not text or len(text) > 64:
        return None
    if text.upper() in ("UTC", "GMT", "Z"):
        return UTC
    offset = _OFFSET.match(text)
    if offset:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 14 or minutes >= 60:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign == "-" else delta)
    name = _zones_by_city().get(_city_key(text), text)
    if name not in _iana_zones():  # not "localtime", "right/UTC" or a file path
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_name(zone: tzinfo) -> str:
    """The name to store for a zone: IANA key or "UTC+07:00"."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    if not offset:
        return "UTC"
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _city_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text).strip().lower()


@cache
def _iana_zones() -> frozenset[str]:
    """The IANA zone names, from the tzdata package: the same on every machine, and without
    the system's extras (``localtime``, ``posix/…``, ``right/…`` with leap seconds)."""
    names = files("tzdata").joinpath("zones").read_text("utf-8").split()
    return frozenset(name for name in names if name != "Factory")


@cache
def _zones_by_city() -> dict[str, str]:
    cities: dict[str, str] = {}
    for name in sorted(_iana_zones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            cities.setdefault(_city_key(name.rsplit("/", 1)[1]), name)
        cities.setdefault(_city_key(name), name)
    return cities
