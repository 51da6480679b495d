"""Feed item HTML to clean text, credit line, original publisher link and story-context link.

Pure: the IO step that fetches BHRRC item pages lives elsewhere and calls these functions.
"""

from dataclasses import dataclass, field

from news.text.boilerplate import repeated_lines, strip_to_text
from news.text.byline import (
    HEADLINE_LOOKAHEAD,
    Byline,
    credit_lines,
    find_byline,
    parse_byline,
    with_original_date,
)
from news.text.links import find_context_link, find_original_link, scan_links, token_links
from news.text.markup import html_to_text, iter_visible, looks_like_html, text_of
from news.text.scan import scan, scan_text
from news.text.urls import canonical_context_url, canonical_url

__all__ = [
    "NOTHING_READ",
    "Byline",
    "Credited",
    "Extracted",
    "ItemRead",
    "clean",
    "extract_item",
    "find_context_link",
    "find_original_link",
    "html_to_text",
    "parse_byline",
    "read_item",
    "repeated_lines",
    "take_credit",
]


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one feed item says, cleaned: text, credit line and the two links worth sending."""

    text: str
    byline: Byline | None
    original_url: str | None
    context_url: str | None
    # Nothing in ``text`` was boilerplate: summarise need not strip it again. Not compared:
    # it says how the text came about, not what it is.
    clean: bool = field(default=False, compare=False)


NOTHING_READ = Extracted("", None, None, None)  # what is kept of an item not worth reading


@dataclass(frozen=True, slots=True)
class ItemRead:
    """An item's HTML read once: its text (``html_to_text``) and its two links as found."""

    text: str
    original: str | None = None
    context: str | None = None


def read_item(html: str, *, base_url: str) -> ItemRead:
    """Read ``html`` once, for both the feed's repeated lines and its extraction."""
    if not looks_like_html(html):
        return ItemRead(html_to_text(html))
    scanned = scan(html)
    if scanned is None:  # the scan declined: read it token by token
        tokens = list(iter_visible(html))
        return ItemRead(text_of(tokens), *token_links(tokens, base_url))
    text = scan_text(scanned)
    return ItemRead(text, *scan_links(scanned, base_url, text))


def extract_item(html: str, *, base_url: str, repeated: frozenset[str] = frozenset()) -> Extracted:
    """Clean text without boilerplate or credit line, plus the byline, the original publisher's
    URL (canonical: no tracking) and the BHRRC story-context URL (keeping its ``#c<id>``)."""
    return clean(take_credit(read_item(html, base_url=base_url)), repeated)


@dataclass(frozen=True, slots=True)
class Credited:
    """An item read, its credit line taken out: what cleaning starts from. Cleaning only
    drops lines and whole words and cuts lines' ends at a space or a sign, so every word of
    the clean text is a word of ``text`` (``news.topics.screen.may_match`` relies on it)."""

    lines: list[str]
    byline: Byline | None
    original_url: str | None
    context_url: str | None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def uncleaned(self) -> Extracted:
        """The item without its text, for an item no topic wants: what is stored of it is
        its credit line and its links."""
        return Extracted("", self.byline, self.original_url, self.context_url)


def take_credit(read: ItemRead) -> Credited:
    """The first credit line of ``read`` found and taken out, and its links made canonical."""
    byline, lines = _take_byline(read.text)
    return Credited(lines, byline, *_canonical_links(read))


def clean(credited: Credited, repeated: frozenset[str] = frozenset()) -> Extracted:
    """The item's text without boilerplate or the feed's ``repeated`` lines."""
    text, is_clean = strip_to_text(credited.lines, repeated)
    byline, original, context = credited.byline, credited.original_url, credited.context_url
    return Extracted(text, byline, original, context, clean=is_clean)


def _canonical_links(read: ItemRead) -> tuple[str | None, str | None]:
    """The original publisher's URL and the story-context URL, canonical."""
    return (
        canonical_url(read.original) if read.original else None,
        canonical_context_url(read.context) if read.context else None,
    )


def _take_byline(text: str) -> tuple[Byline | None, list[str]]:
    """The first credit line, and the lines without it (text after it on its line stays).
    The lines of ``text`` are folded (html_to_text folds them), and so are those returned."""
    lines = text.split("\n")
    for index in credit_lines(lines):
        line = lines[index]
        if found := find_byline(line):
            byline, end = found
            rest = " ".join(line[end:].split())
            following = [rest, *lines[index + 1 : index + 1 + HEADLINE_LOOKAHEAD]]
            byline = with_original_date(byline, following)
            return byline, [*lines[:index], rest, *lines[index + 1 :]]
    return None, lines
