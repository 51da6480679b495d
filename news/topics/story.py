"""A story read once for matching: its key, its runs and where its headline and lead end.

Every topic is matched against this one reading, so the case-folding and keying that cost
most are paid once a story. The *lead* is the headline and the text's first ``LEAD_CHARS``
characters, to the next space: where a news story says what it is about.
"""

import re
import sys
from dataclasses import dataclass

from news.topics.keys import term_key
from news.topics.letters import ascii_runs, has_khmer_bytes, utf8

# The lead: the headline and this many characters of the text, to the next space: the lede,
# where a news story says what it is about, and the summary shown (at most 350 characters,
# from the start). On the 245 corpus news items over 1,000 characters, the first paragraph
# ends by character 242 (median) and 480 (9 in 10), the second sentence by 292 and 500: 500
# holds two sentences for 9 stories in 10 and stops well short of the body.
LEAD_CHARS = 500
# Codes of a group's ``where``: indexes into a story's ends.
WHERE = {"headline": 0, "lead": 1, "anywhere": 2}
_EVERYWHERE = sys.maxsize
_SPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class Story:
    """A title and text as the matcher searches them."""

    raw: str  # title and text as published: acronyms are case-sensitive
    key: str  # folded once per story, shared by every topic
    key_runs: frozenset[bytes]  # [a-z0-9] runs of the key, for the probes
    has_khmer: bool
    # Where the headline, the lead and the story end: (in raw, in key), by WHERE's codes.
    ends: tuple[tuple[int, int], ...]


def read_story(title: str, text: str) -> Story:
    """The story's reading. Title and text are keyed apart and joined by a newline, which no
    term key contains, so no phrase or Khmer term can match across their meeting."""
    cut = _lead_end(text)
    head_key = term_key(title)
    if cut == len(text):  # most items: all lead
        lead_key = term_key(text)
        key = f"{head_key}\n{lead_key}"
    else:
        lead_key = term_key(text[:cut])
        key = f"{head_key}\n{_joined_keys(lead_key, term_key(text[cut:]))}"
    key_bytes = utf8(key)
    headline = (len(title), len(head_key))
    lead = (len(title) + 1 + cut, len(head_key) + 1 + len(lead_key))
    return Story(
        raw=f"{title}\n{text}",
        key=key,
        key_runs=ascii_runs(key_bytes),
        has_khmer=has_khmer_bytes(key_bytes),
        ends=(headline, lead, (_EVERYWHERE, _EVERYWHERE)),
    )


def _lead_end(text: str) -> int:
    """Where the lead ends in ``text``: at the first space from ``LEAD_CHARS`` on, so no
    word is cut (a text without one is all lead)."""
    if len(text) <= LEAD_CHARS or text[LEAD_CHARS].isspace():
        return min(len(text), LEAD_CHARS)
    space = _SPACE.search(text, LEAD_CHARS)
    return len(text) if space is None else space.start()


def _joined_keys(lead: str, rest: str) -> str:
    """``term_key`` of a text cut at a space, from the keys of its two parts: keyed apart, the
    lead's end is known in the key."""
    return f"{lead}{_gap(lead, rest)}{rest}"


def _gap(lead: str, rest: str) -> str:
    """What keying the whole text leaves where it was cut, at a space: one space, or none
    when a part is empty or Khmer letters meet (``news.topics.khmer``)."""
    if not lead or not rest or (_is_khmer_letter(lead[-1]) and _is_khmer_letter(rest[0])):
        return ""
    return " "


def _is_khmer_letter(char: str) -> bool:
    return "\u1780" <= char <= "\u17ff"
