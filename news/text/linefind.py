"""Which lines of a text may match a pattern, found with a few searches of the whole text.

Line-by-line regexes cost a call per line and pattern, and most lines match none. A pattern
usually needs a word, or needs its line to start with one of a few words: searching the joined
lines for those and mapping the places found to lines leaves the regexes a handful of lines.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

__all__ = ["ODD_CASE", "Lines", "lower_has"]

# Characters that IGNORECASE matches to ASCII letters but lower() does not lower to them (İ,
# ı, ſ, K): in text without them, lower-cased text shows every case-insensitive match of ASCII.
ODD_CASE = "\u0130\u0131\u017f\u212a"


def lower_has(text: str, needles: Iterable[bytes]) -> bool:
    """Whether ``text.lower()`` holds one of ``needles`` (lower-case ASCII), for ``text``
    without ODD_CASE. Lower-casing UTF-8 bytes lowers ASCII letters only, and no character but
    İ and K lower-cases into ASCII: the same answer, at about half the cost on non-ASCII text."""
    lowered = text.encode("utf-8", "surrogatepass").lower()
    return any(map(lowered.__contains__, needles))


class Lines:
    """Lines without line breaks in them, joined once for searching."""

    def __init__(self, lines: list[str]) -> None:
        self.count = len(lines)
        self.text = "\n".join(lines)
        self.odd = any(char in self.text for char in ODD_CASE)
        self._lowered: str | None = None
        self._starts = [0, *accumulate(len(line) + 1 for line in lines)]

    def index(self, position: int) -> int:
        """The line that holds ``position`` of the joined text."""
        return bisect_right(self._starts, position) - 1

    def containing(self, needles: Iterable[str], *, any_case: bool = False) -> set[int]:
        """The lines that contain one of ``needles`` (lower-case ones, with ``any_case``: as
        IGNORECASE would find them)."""
        if any_case and self.odd:
            return set(range(self.count))
        if any_case and self._lowered is None:
            self._lowered = self.text.lower()
        text = self._lowered if any_case else self.text
        found: set[int] = set()
        for needle in needles:
            position = text.find(needle)  # type: ignore[union-attr]
            while position >= 0:
                found.add(self.index(position))
                position = text.find(needle, position + 1)  # type: ignore[union-attr]
        return found

    def starting(self, first: re.Pattern[str], later: re.Pattern[str]) -> set[int]:
        """The lines where ``first`` matches at the start of the text, or ``later`` (the same
        pattern after "\\n") matches after a line break."""
        found = {self.index(match.start() + 1) for match in later.finditer(self.text)}
        if first.match(self.text):
            found.add(0)
        return found


def line_start_patterns(heads: str, flags: int = 0) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for ``Lines.starting``: ``heads`` at the text's start, and after a line break
    (a literal "\\n" first, which the regex engine finds fast)."""
    return re.compile(f"(?:{heads})", flags), re.compile(f"\n(?:{heads})", flags)
