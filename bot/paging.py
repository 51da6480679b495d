"""The "Older" button's callback data: which stories, how many, and after which. Pure.

Telegram gives a button 64 bytes. ``l:`` + count + cursor + the scope (a topic slug, at
most 41 characters, or ``*``) fits: the cursor is the last shown story's publication time in
microseconds and its id, both in base 36.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from news.store.listing import Cursor

LATEST = "l:"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_DATA = 64


@dataclass(frozen=True, slots=True)
class OlderPress:
    """A decoded "Older" button."""

    scope: str
    count: int
    before: Cursor


def encode_older(scope: str, count: int, before: Cursor) -> str:
    """The callback data for the page after ``before``."""
    published, story_id = before
    micros = (published - EPOCH) // timedelta(microseconds=1)
    data = f"{LATEST}{count:x}{_b36(micros)}.{_b36(story_id)}:{scope}"
    assert len(data.encode()) <= MAX_DATA, "slugs are at most 41 characters"
    return data


def decode_older(data: str) -> OlderPress | None:
    """The press, or None for data this version did not make (old or forged)."""
    if not data.startswith(LATEST):
        return None
    head, _, scope = data.removeprefix(LATEST).partition(":")
    micros, _, story_id = head[1:].partition(".")
    try:
        count = int(head[:1], 16)
        when = EPOCH + timedelta(microseconds=int(micros, 36))
        cursor = (when, int(story_id, 36))
    except (ValueError, OverflowError):
        return None
    if not 1 <= count <= 10 or not scope:
        return None
    return OlderPress(scope, count, cursor)


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out
