"""Quotations across sentences: which sentences of a paragraph a summary may take together so
that every quotation it shows is whole.

The sentence splitter cuts inside quotations ("“We will appeal. We will win,” he said." is two
sentences). A summary that takes one of them shows half a quotation: an opening mark never
closed, or "We will win,” he said." starting mid-quote (issue 22). Here the sentences of one
paragraph are grouped into units that open and close every quotation they hold; a unit with a
quotation begun in an earlier paragraph, or left open at the paragraph's end, is marked broken.

Marks: straight and curly double quotes, « » (French and Khmer use), and single quotes when
they quote rather than elide: ‘ or ' opening a word, ’ or ' closing one (not inside a word, as
in "don’t"). A ’ that closes no open ‘ is an apostrophe ("the workers’ union").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Unit", "is_balanced", "units"]

_MARKS = re.compile("[\"“”‘’'«»]")
_CLOSES = {"”": "“", "»": "«", "’": "‘"}
MAX_DEPTH = 6  # quotations nest two or three deep in prose; deeper is hostile, and broken
_BEFORE_OPENING = " \t\u00a0\u200b([{—–-/“‘«\"'"  # what may come before an opening mark


@dataclass(frozen=True, slots=True)
class Unit:
    """Sentences ``start`` to ``end`` (exclusive) of a paragraph; ``whole``: its quotations
    open and close inside it."""

    start: int
    end: int
    whole: bool


def units(sentences: Sequence[str]) -> list[Unit]:
    """The sentences of one paragraph grouped into units, in order (see the module)."""
    found: list[Unit] = []
    stack: list[str] = []
    start, whole = 0, True
    for index, sentence in enumerate(sentences):
        whole &= _follow(sentence, stack)
        if not stack:
            found.append(Unit(start, index + 1, whole))
            start, whole = index + 1, True
    if start < len(sentences):
        found.append(Unit(start, len(sentences), False))  # a quotation left open
    return found


def is_balanced(text: str) -> bool:
    """True when every quotation in ``text`` is opened and closed in it."""
    stack: list[str] = []
    return _follow(text, stack) and not stack


def _follow(text: str, stack: list[str]) -> bool:
    """Push and pop the quotation marks of ``text`` on ``stack``; False on a closing mark
    that closes nothing open (a quotation begun before ``text``)."""
    whole = True
    for match in _MARKS.finditer(text):
        at = match.start()
        mark = match.group()
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if len(stack) > MAX_DEPTH:
            return False  # never closed within bounds: broken (and each look stays short)
        if mark in "“«":
            stack.append(mark)
        elif mark in "”»":
            whole &= _close(stack, _CLOSES[mark])
        elif mark == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            elif before in _BEFORE_OPENING:
                stack.append('"')
            else:
                whole &= _close(stack, '"')
        elif before.isalnum() and after.isalnum():
            continue  # an apostrophe inside a word: "don’t", "Phnom Penh's"
        elif mark == "‘" or (mark == "'" and before in _BEFORE_OPENING and after.isalnum()):
            if not (mark == "‘" and before.isalpha()):
                stack.append(mark)
        elif (mark == "’" and "‘" in stack) or (mark == "'" and "'" in stack):
            _close(stack, "‘" if mark == "’" else "'")
    return whole


def _close(stack: list[str], opener: str) -> bool:
    """Close the innermost quotation opened with ``opener`` (and any left open inside it);
    False when none is open."""
    if opener not in stack:
        return False
    while stack.pop() != opener:
        pass
    return True
