"""A matching key for text with Khmer in it: one spelling for the ways Khmer is typed.

Khmer has no spaces between words, so ``\\b`` is useless and terms match as substrings of this
key. The key is for matching only; displayed text is never folded.
"""

import re
import unicodedata

COENG = "\u17d2"
INVISIBLE_MARKS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE_MARKS}]+")
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
    text = case_folded(text)
    # Each step only when it can apply: this runs on every story's full text.
    if COENG in text:
        text = text.replace(_COENG_DA, _COENG_TA)
        text = _RO_FIRST.sub(r"\1" + COENG + "\u179a", text)
    text = " ".join(text.split())
    return _KHMER_GAP.sub("", text) if not text.isascii() and _KHMER.search(text) else text


def case_folded(text: str) -> str:
    """``matching_key`` without its spacing and Khmer spelling rules: NFC, no zero-width
    marks, case-folded. Those rules touch only spaces and Khmer letters, so the runs of Latin
    letters and digits of the two are the same."""
    if text.isascii():
        return text.lower()  # already NFC, no marks, and casefold() is lower() on ASCII
    text = unicodedata.normalize("NFC", text)
    if any(mark in text for mark in INVISIBLE_MARKS):
        text = _INVISIBLE.sub("", text)
    return text.casefold()


def has_khmer(text: str) -> bool:
    """True when ``text`` contains any Khmer letter or sign."""
    return _KHMER.search(text) is not None
