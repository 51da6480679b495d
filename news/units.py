"""Human-friendly durations ("15m", "1h30m") and sizes ("10MiB") as used in the config."""

import re
from datetime import timedelta

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?", re.IGNORECASE)
_BYTES = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_duration(value: object) -> timedelta:
    """Parse "90s", "15m", "1h30m", "2d" (or a bare number of seconds) into a timedelta."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(value)
        try:
            return timedelta(seconds=value)
        except OverflowError:
            raise ValueError(value) from None
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip().lower().replace(" ", "")
    pos, total = 0, 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            raise ValueError(value)
        total += float(match.group(1)) * _SECONDS[match.group(2)]
        pos = match.end()
    if pos == 0 or pos != len(text):
        raise ValueError(value)
    try:
        return timedelta(seconds=total)
    except OverflowError:  # past timedelta's 999,999,999 days
        raise ValueError(value) from None


def parse_size(value: object) -> int:
    """Parse "10MiB", "500 KB" or a bare number of bytes into bytes."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int) and value > 0:
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    match = _SIZE.fullmatch(value.strip())
    if not match:
        raise ValueError(value)
    size = int(float(match.group(1)) * _BYTES[(match.group(2) or "b").lower()])
    if size <= 0:
        raise ValueError(value)
    return size


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration for display: 5400s -> "1h30m"."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
