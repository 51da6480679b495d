"""Sentence splitting for news excerpts in English and Khmer.

Rule-based on purpose: it must be fast on any input, predictable, and good at the things news
excerpts do: titles and initials ("Mr.", "J. K."), acronyms ("U.N."), decimals, quotes after
the full stop, BHRRC's "…" elisions, and the Khmer full stop "។".
"""

import operator
import re
from collections.abc import Iterator
from itertools import chain

KHMER_STOPS = "។៕"
_TERMINAL = ".!?…" + KHMER_STOPS
_CLOSERS = "\"'”’»)]"
# What str.splitlines() breaks lines at, and the other white space (which stays in a line).
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_SPACE = "\t\x1f \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
# A run of terminal punctuation and the quotes or brackets that close on it; and, looked at but
# not taken, the next character of its line after spaces (or, with only spaces and ZWSPs left
# in the line, the last ZWSP: \u200b is not white space, so it is \S too).
_END = re.compile(
    rf"([{re.escape(_TERMINAL)}]+)[{re.escape(_CLOSERS)}]*"
    rf"(?:(?=[{_LINE_SPACE}\u200b]*(\S))|)"
)
_STRIP = operator.methodcaller("strip", " \t\u200b\u00a0")
# The usual sentence end, found in C: a full stop after seven word characters (a word longer
# than any abbreviation, with no dots), then spaces and a capital letter. Always a boundary.
_PLAIN_STOP = re.compile(r"\.(?<=\w{7}\.)(?=[ \xa0]+[A-Z])")
# A full stop glued to the next sentence, as feeds that drop a <br> print it: "in April.Previously,
# Modi …" (Mint). A lower-case word before it and a capitalised word after it: not "U.S.",
# "example.com" or "ASP.NET".
_GLUED_STOP = re.compile(r"(?<=[a-z]{3})\.(?=[A-Z][a-z]{2})")
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() is true for
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
    cuts = [0]
    plain = {match.start() for match in _PLAIN_STOP.finditer(text)}
    plain.update(match.start() for match in _GLUED_STOP.finditer(text))
    for end in _ends(text, plain):  # the whole text at once: each line on its own is slower
        if isinstance(end, int):  # a plain full stop ends a sentence
            cuts.append(end)
        elif _ends_sentence(text, end):
            cuts.append(end.end())
    cuts.append(len(text))
    pieces = map(text.__getitem__, map(slice, cuts, cuts[1:]))
    lines = chain.from_iterable(map(str.splitlines, pieces))
    return list(filter(_ALNUM.search, map(_STRIP, lines)))


def _ends(text: str, plain: set[int]) -> Iterator[re.Match[str] | int]:
    """``_END.finditer(text)``, but the end of each match in ``plain`` instead of the match.
    The regex engine tests every character against the class of terminal punctuation, slowly;
    str.find finds each one much faster, and a match starts at the first one not inside the
    previous match."""
    found = [position for char in _TERMINAL for position in _positions(text, char)]
    done = 0
    for position in sorted(found):
        if position < done:
            continue
        if position in plain:
            done = position + 1
            yield done
        elif end := _END.match(text, position):  # it always matches
            done = end.end()
            yield end


def _positions(text: str, char: str) -> Iterator[int]:
    position = text.find(char)
    while position >= 0:
        yield position
        position = text.find(char, position + 1)


def _ends_sentence(text: str, end: re.Match[str]) -> bool:
    """``_is_boundary``, with shortcuts for the common cases."""
    if end[2] is None:  # nothing but spaces follows in the line (or nothing)
        return end[1][-1] not in KHMER_STOPS or _is_boundary(text, end)
    if end[1] == "." and _long_word_before(text, end.start()):
        return end.start(2) > end.end() and not end[2].islower()
    return _is_boundary(text, end)


def _is_boundary(text: str, end: re.Match[str]) -> bool:
    punct = end.group(1)  # the closers that may follow are not terminal punctuation
    if punct[-1] in KHMER_STOPS:
        return not _is_khmer_etc(text, end.start(), end.end())
    following = end[2]
    if following is None:  # the end of the line, or only spaces before it
        return True
    if end.start(2) == end.end() or following.islower():
        return False  # "3.5", "U.S.A", "example.com"; "… and then"; "Inc. said"
    if punct == ".":
        return not _is_abbreviation(_word_before(text, end.start()), following)
    return True


def _long_word_before(text: str, pos: int) -> bool:
    """Seven letters before ``pos`` (in its line: a line break is no letter): the word there is
    longer than any abbreviation, and has no dots, so it is not one (a shortcut past
    _word_before and _is_abbreviation)."""
    return pos >= 7 and text[pos - 7 : pos].isalpha()


def _is_khmer_etc(text: str, start: int, end: int) -> bool:
    """The Khmer "etc." is written "។ល។": neither of its full stops ends the sentence. (Two
    characters that span a line break are not "។ល": each line is on its own.)"""
    return text.startswith("ល។", end) or text[max(0, start - 2) : start] == "។ល"


def _word_before(text: str, pos: int) -> str:
    """The word before ``pos`` in its line, looked for in the _WORD_WINDOW characters before."""
    parts = text[max(0, pos - _WORD_WINDOW - 1) : pos].splitlines(keepends=True)
    if not parts or parts[-1][-1] in _LINE_BREAKS:
        return ""  # the line starts at pos
    long_line = len(parts) == 1 and pos > _WORD_WINDOW  # it goes on before the window
    window = text[pos - _WORD_WINDOW : pos] if long_line else parts[-1]
    words = window.split()
    if not words or (long_line and len(words) == 1 and not window[0].isspace()):
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
