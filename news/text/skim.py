"""Which feed items are worth reading. Pure.

Reading an item (``news.text.extract.read_item``) is most of a parser's work, and most items are
read for nothing: no topic wants them and they have no credit line and no link worth keeping,
so what is stored of them is the feed's own title, link and date. Skimming the item's HTML
with its tags dropped (``news.text.scan.joined_text``) finds most of those at a fraction of the
cost, and never passes over an item that reading would keep anything of:

- Every word of the text is in the joined text, unless a character reference spells part of
  it. References to a character the screen sees (``news.topics.screen.screen_sees``), or to
  nothing, send the item to be read.
- Topics: ``may_match_glued`` looks for the probes anywhere, since dropping a block's tags
  glues its last word to the next block's first.
- Credit lines (``news.text.byline``) need "author(s)" followed by a colon, or "published"
  followed by "on" or a colon, with nothing but spaces between. Characters that IGNORECASE
  takes for ASCII letters while lower() does not (``ODD_CASE``) send the item to be read.
- The original and the context link (``news.text.links``) need an ``<a>`` tag, and a label or
  text before it with "full", "whole" or "original" followed by "post", "article", "story",
  "report" or "statement"; "read (it) in full", or "in full" and a colon; or the notice's
  "redirected to" or "larger story".
  ``joined_text`` declines ``<meta>``, so no refresh is missed.

What may stand between two such words is read generously: anything but an ASCII letter or
digit, and any character reference.
"""

import re
from collections.abc import Sequence
from functools import lru_cache
from html.entities import html5 as named_references

from news.text.entities import unescape
from news.text.linefind import ODD_CASE
from news.text.scan import joined_text
from news.topics.compile import CompiledTopic
from news.topics.screen import glued_screen_key, may_match_glued, screen_sees

__all__ = ["worth_reading"]

_Words = tuple[tuple[bytes, re.Pattern[bytes], re.Pattern[bytes] | None], ...]

# What may stand between two words of a label in the joined text: anything but ASCII letters
# and digits, and character references (no telling one gets this far).
_GAP = rb"(?:&#?[a-z0-9]*+;?|[^a-z0-9&])*+"
_STORY = re.compile(_GAP + rb"(?:post|article|story|report|statement)")
_THEN_STORY = re.compile(_GAP + rb"story")
_THEN_TO = re.compile(_GAP + rb"to")
# "Read it in full" as a label, or "In full:" before a link.
_IN_FULL = re.compile(
    rb"read" + _GAP + rb"(?:it" + _GAP + rb")?in" + _GAP + rb"full"
    rb"|in" + _GAP + rb"full[^a-z0-9&:]*+[:&]"
)
# Each word reading needs, what must follow it (matched where the word ends) and, if that is
# not there, a pattern the text must have instead.
_CREDIT_WORDS = (
    (b"author", re.compile(rb"s?[^a-z0-9&:]*+[:&]"), None),  # "Author(s):"
    (b"published", re.compile(rb"[^a-z0-9&:]*+(?:[:&]|on)"), None),  # "Published on", "Published:"
)
_LINK_WORDS = (
    (b"full", _STORY, _IN_FULL),  # "Read the full post", "Full story", "Read it in full"
    (b"whole", _STORY, None),
    (b"original", _STORY, None),
    (b"redirected", _THEN_TO, None),  # BHRRC's notice: "being redirected to the story"
    (b"larger", _THEN_STORY, None),  # or "part of a larger story"
)
_LINK_TAG = re.compile(r"<[aA](?![^\t\n\f\r />])")
# A numeric reference (its digits, if any), or a named one that spells a character the screen
# sees; html.unescape also decodes a few names without their ";", so none is required here.
_TELLING_NAMES = sorted(
    {name.rstrip(";") for name, chars in named_references.items() if any(map(screen_sees, chars))}
)
_REFERENCE = re.compile("&(?:#(?:[xX][0-9a-fA-F]*|[0-9]*)|(?:" + "|".join(_TELLING_NAMES) + "))")


def worth_reading(
    topics: Sequence[CompiledTopic],
    *,
    title: str,
    html: str,
    feed_name: str = "",
    source_type: str = "",
) -> bool:
    """False when reading ``html`` would find no credit line and no link, and no topic could
    want the item; True may be wrong."""
    joined = joined_text(html)
    if joined is None or any(map(joined.__contains__, ODD_CASE)) or _has_telling_reference(joined):
        return True
    raw = f"{title}\n{joined}"
    key = glued_screen_key(raw)
    if key is None:
        return True
    text_start = key.find(b"\n")  # the title's words are not the text's
    if _has_word(key, _CREDIT_WORDS, text_start) or (
        _LINK_TAG.search(html) and _has_word(key, _LINK_WORDS, text_start)
    ):
        return True
    return may_match_glued(topics, raw=raw, key=key, feed_name=feed_name, source_type=source_type)


def _has_word(key: bytes, words: _Words, start: int) -> bool:
    """Whether one of ``words`` is in ``key`` from ``start`` on, followed by what it needs
    (or, failing that, with the text having the pattern it may need instead)."""
    for word, after, instead in words:
        at = key.find(word, start)
        if at >= 0 and instead is not None and instead.search(key, start):
            return True
        while at >= 0:
            if after.match(key, at + len(word)):
                return True
            at = key.find(word, at + len(word))
    return False


def _has_telling_reference(text: str) -> bool:
    if "&" not in text:
        return False
    return any(_tells(found.group()) for found in _REFERENCE.finditer(text))


@lru_cache(maxsize=1024)
def _tells(reference: str) -> bool:
    if reference[1] != "#":
        return True  # a telling name
    chars = unescape(reference)  # numeric references decode without their ";"
    return chars != reference and (not chars or any(map(screen_sees, chars)))
