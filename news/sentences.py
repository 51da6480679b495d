"""Sentence splitting for news excerpts in English and Khmer.

Rule-based on purpose: it must be fast on any input, predictable, and good at the things news
excerpts do: titles and initials ("Mr.", "J. K."), acronyms ("U.N."), decimals, quotes after
the full stop, BHRRC's "…" elisions, and the Khmer full stop "។".
"""

import re

KHMER_STOPS = "។៕"
_TERMINAL = ".!?…" + KHMER_STOPS
_CLOSERS = "\"'”’»)]"
# A run of terminal punctuation and the quotes or brackets that close on it.
_END = re.compile(rf"[{re.escape(_TERMINAL)}]+[{re.escape(_CLOSERS)}]*")
_NEXT_CHAR = re.compile(r"[\s\u200b]*(\S)")
_OPENERS = "(\"“‘'[«"
# A word before a full stop that does not end the sentence.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gov't", "govt", "gen", "col", "lt",
        "sgt", "capt", "cmdr", "adm", "maj", "rep", "sen", "hon", "rev", "fr", "vs", "v",
        "approx", "dept", "est", "fig", "ph.d", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
# Abbreviations that need a number after them ("No. 5"): "said no." ends a sentence.
NUMBERED = frozenset({"no", "nos", "art", "p", "pp", "vol"})
# "U.S", "e.g", "a.m" (letters and dots) or a capital initial ("J" in "J. K. Rowling").
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")
_WORD_WINDOW = 24  # longer words are never abbreviations; bounds the look-back


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order; a line break always ends a sentence."""
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for end in _END.finditer(line):
            if _is_boundary(line, end):
                sentences.append(line[start : end.end()])
                start = end.end()
        sentences.append(line[start:])
    stripped = (sentence.strip(" \t\u200b\u00a0") for sentence in sentences)
    return [sentence for sentence in stripped if any(char.isalnum() for char in sentence)]


def _is_boundary(line: str, end: re.Match[str]) -> bool:
    punct = end.group().rstrip(_CLOSERS)
    if punct[-1] in KHMER_STOPS:
        return not _is_khmer_etc(line, end.start(), end.end())
    if end.end() == len(line):
        return True
    following = _NEXT_CHAR.match(line, end.end())
    if following is None:  # only spaces follow
        return True
    if following.start(1) == end.end() or following.group(1).islower():
        return False  # "3.5", "U.S.A", "example.com"; "… and then"; "Inc. said"
    if punct == ".":
        return not _is_abbreviation(_word_before(line, end.start()), following.group(1))
    return True


def _is_khmer_etc(line: str, start: int, end: int) -> bool:
    """The Khmer "etc." is written "។ល។": neither of its full stops ends the sentence."""
    return line.startswith("ល។", end) or line[max(0, start - 2) : start] == "។ល"


def _word_before(line: str, pos: int) -> str:
    window = line[max(0, pos - _WORD_WINDOW) : pos]
    words = window.split()
    if not words or (pos > _WORD_WINDOW and len(words) == 1 and not window[0].isspace()):
        return ""  # the word is longer than the window: not an abbreviation
    return words[-1].lstrip(_OPENERS)


def _is_abbreviation(word: str, next_char: str) -> bool:
    folded = word.replace("’", "'").lower()
    if folded in NUMBERED:
        return next_char.isdigit()
    return folded in ABBREVIATIONS or _DOTTED.fullmatch(word) is not None


def is_complete(sentence: str) -> bool:
    """True when ``sentence`` ends like a sentence (punctuation, maybe a closing quote)."""
    core = sentence.rstrip(_CLOSERS + " ")
    return bool(core) and core[-1] in _TERMINAL
