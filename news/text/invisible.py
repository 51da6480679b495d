"""Characters no reader should get from a feed: bidi overrides, stray zero-width marks, controls.

A bidi override or isolate in a title can reverse the rest of the message it is shown in (the
credit line, the links); zero-width and control characters hide text or break the layout.
Kept on purpose: ZWNJ and ZWJ (U+200C, U+200D), which shape Persian, Indic and Khmer letters
and join emoji; the weak marks LRM, RLM and ALM, which right-to-left text needs and which
reorder nothing past their neighbours; and U+200B between letters of a script written without
spaces (Khmer, Thai, Lao, Myanmar), where it is the word break: ``news.text.summary`` cuts long
Khmer text there, and the topic matcher folds it away itself (``news.topics.khmer``).
"""

import re

# Scripts written without spaces between words, where a ZWSP marks the word break.
_NO_SPACE_LETTERS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff"
_FORMAT = (
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u206a-\u206f"  # deprecated format controls (digit shapes, symmetric swapping)
    "\u2060\ufeff"  # word joiner and zero-width no-break space (BOM)
)
_DROPPED = f"\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{_FORMAT}"  # C0 (not \t, \n, spacing), C1
_SPACING = "\x0b\x0c\x1c-\x1f\x85\u2028\u2029"  # controls that separate words or lines: a space
_HIDDEN = re.compile(
    rf"\r\n?|[{_DROPPED}]+|[{_SPACING}]"
    # A ZWSP run is dropped unless it sits between two letters of such a script; of a run
    # there, one is kept. Each run is scanned at most twice: linear time.
    rf"|(?<![{_NO_SPACE_LETTERS}])\u200b+|\u200b+(?![{_NO_SPACE_LETTERS}\u200b])"
)
# Any of them, for the first look: one character class scans text several times faster.
_ANY = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029{_FORMAT}]")


def _replacement(found: re.Match[str]) -> str:
    first = found[0][0]
    if first == "\r":
        return "\n"
    return " " if first in "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029" else ""


def drop_invisible(text: str) -> str:
    """``text`` without the characters above: controls that separate words become a space,
    a carriage return a line break, the rest are removed."""
    if _ANY.search(text) is None:  # nearly always: one C-speed scan, no copy
        return text
    return _HIDDEN.sub(_replacement, text)
