"""BHRRC credit lines ("Author: <name>, <publisher>, Published on: <date>") and their dates."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from news.text.linefind import ODD_CASE, lower_has

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_ORDINAL = r"(?:st|nd|rd|th)?"
# "10 December 2019", "10th Dec. 2019"; "December 10, 2019", "Dec 10 2019"; "2019-12-10".
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}}){_ORDINAL}\s+([A-Za-z]{{3,9}})\.?,?\s+(\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"([A-Za-z]{{3,9}})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\b")
_AUTHOR = re.compile(r"Authors?\s*:\s*", re.IGNORECASE)
_PUBLISHED = re.compile(r",?\s*Published(?:\s+on\s*:?|\s*:)\s*", re.IGNORECASE)
# The start of a line that find_byline may read, in lower-cased text (lines after "\n").
_CREDIT_START = re.compile(r"\n[^\S\n]*(?:author|,?[^\S\n]*published)")


@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote an item, for which outlet, and when the outlet published it."""

    author: str | None
    publisher: str | None
    published: date | None  # "Published on": the date the relaying site (BHRRC) posted it
    # The original's own date, from the quoted headline after the credit line:
    # '"Sar Kheng: Gov't to tell EU …", 8 December 2019'.
    original: date | None = None


def match_date(text: str, pos: int = 0) -> tuple[date, int] | None:
    """A date written at ``text[pos]`` and the index just after it, or None."""
    if found := _ISO_DATE.match(text, pos):
        year, month, day = (int(g) for g in found.groups())
    elif found := _DAY_MONTH_YEAR.match(text, pos):
        day, month, year = int(found[1]), _MONTHS.get(found[2].lower(), 0), int(found[3])
    elif found := _MONTH_DAY_YEAR.match(text, pos):
        month, day, year = _MONTHS.get(found[1].lower(), 0), int(found[2]), int(found[3])
    else:
        return None
    try:
        return date(year, month, day), found.end()
    except ValueError:  # 31 February, or a word that is not a month
        return None


def parse_date(text: str) -> date | None:
    """The date when ``text`` is nothing but a date (surrounding punctuation aside)."""
    text = text.strip(" \t.,;:()[]")
    found = match_date(text)
    return found[0] if found and found[1] == len(text) else None


_OPEN_QUOTES = "\"“‘'«"
_CLOSE_QUOTES = "\"”’'»"
HEADLINE_LOOKAHEAD = 2  # lines after a credit line where the quoted headline may be


def quoted_headline_date(line: str) -> date | None:
    """The date after a quoted headline, as BHRRC quotes the original's: '"Title", 8 Dec 2019'."""
    line = line.strip()
    if line[:1] not in _OPEN_QUOTES:
        return None
    close = max(line.rfind(quote) for quote in _CLOSE_QUOTES)
    return parse_date(line[close + 1 :]) if close > 0 else None


def with_original_date(byline: Byline, following: Iterable[str]) -> Byline:
    """``byline`` with the original's date from the first of the ``following`` lines that is
    not blank, when that line is a quoted headline with its date."""
    for line in following:
        if line.strip():
            found = quoted_headline_date(line)
            return replace(byline, original=found) if found else byline
    return byline


def parse_byline(text: str) -> Byline | None:
    """The first BHRRC credit line in ``text``, or None.

    "Author: Dara Mech, The Phnom Penh Post, Published on: 10 December 2019" gives author,
    publisher and date; with a single name ("Author: Human Rights Watch, …") that name is the
    publisher; with several ("Author: A, B, The Guardian, …") the last one is.
    """
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if found := find_byline(line):
            byline, end = found
            following = [line[end:], *lines[index + 1 : index + 1 + HEADLINE_LOOKAHEAD]]
            return with_original_date(byline, following)
    return None


def credit_lines(lines: list[str]) -> list[int]:
    """The indices of the ``lines`` (none with a line break in it) that may start with a credit
    line: find_byline finds one only where "author" or "published" starts the line, maybe
    after a comma. One look at all lines instead of two regexes per line."""
    text = "\n" + "\n".join(lines)
    if any(char in text for char in ODD_CASE):  # lower() may miss what IGNORECASE matches
        return list(range(len(lines)))
    if not lower_has(text, (b"author", b"published")):
        return []
    lowered = text.lower()
    found, index, counted = [], 0, 0
    for match in _CREDIT_START.finditer(lowered):
        index += lowered.count("\n", counted, match.start())  # lowered starts with "\n"
        counted = match.start()
        found.append(index)
    return found


def find_byline(line: str) -> tuple[Byline, int] | None:
    """The credit line at the start of ``line`` and where it ends within the line."""
    line_start = len(line) - len(line.lstrip())
    author = _AUTHOR.match(line, line_start)
    published = _PUBLISHED.search(line, author.end() if author else line_start)
    if author is None and (published is None or published.start() != line_start):
        return None
    names_end = published.start() if published else len(line)
    names = line[author.end() : names_end] if author else ""
    parts = [part.strip() for part in names.split(",") if part.strip()]
    day, end = None, len(line)
    if published is not None and (found := match_date(line, published.end())):
        day, end = found
    if not parts and day is None:
        return None
    author_names = ", ".join(parts[:-1]) or None
    return Byline(author_names, parts[-1] if parts else None, day), end
