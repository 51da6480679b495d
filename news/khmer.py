"""A matching key for text with Khmer in it: one spelling for the ways Khmer is typed.

Khmer has no spaces between words, so ``\\b`` is useless and terms match as substrings of this
key. The key is for matching only; displayed text is never folded.
"""

import re
import unicodedata

COENG = "\u17d2"
_INVISIBLE_MARKS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_MARKS}]+")
# COENG DA and COENG TA render the same and are used interchangeably (ស្តី / ស្ដី).
_COENG_DA = COENG + "\u178a"
_COENG_TA = COENG + "\u178f"
# Subscript RO goes last in the standard order (ស្រ្គ vs ស្គ្រ): move it after the other subscript.
_RO_FIRST = re.compile(COENG + "\u179a" + "(" + COENG + "[\u1780-\u17b3])")
# Khmer writers put a space, a ZWSP or nothing between words ("ហ៊ុន សែន", "ហ៊ុនសែន"): drop it.
_KHMER_GAP = re.compile("(?<=[\u1780-\u17ff]) (?=[\u1780-\u17ff])")
_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


def matching_key(text: str) -> str:
    """Fold ``text`` for substring matching: NFC, no zero-width marks, COENG DA→TA, subscript RO
    last, case-folded, whitespace (NBSP included) collapsed to one space and dropped between
    Khmer letters."""
    if text.isascii():  # most stories: nothing to compose, remove or respell
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFC", text)
    # Each step only when it can apply: this runs on every story's full text.
    if any(mark in text for mark in _INVISIBLE_MARKS):
        text = _INVISIBLE.sub("", text)
    if COENG in text:
        text = text.replace(_COENG_DA, _COENG_TA)
        text = _RO_FIRST.sub(r"\1" + COENG + "\u179a", text)
    text = " ".join(text.casefold().split())
    return _KHMER_GAP.sub("", text) if _KHMER.search(text) else text


def loosely_folded(text: str) -> str:
    """``text`` case-folded, without zero-width marks, and nothing else. Every Latin word in
    the ``matching_key`` of any piece cut from ``text`` is a substring of this: the other
    folding steps only remove Latin letters (NFC composes them with marks) or touch Khmer, and
    the one character NFC turns into a Latin letter, the Kelvin sign, case-folds to it too."""
    if text.isascii():
        return text.lower()
    if any(mark in text for mark in _INVISIBLE_MARKS):
        text = _INVISIBLE.sub("", text)
    return text.casefold()


def has_khmer(text: str) -> bool:
    """True when ``text`` contains any Khmer letter or sign."""
    return _KHMER.search(text) is not None
