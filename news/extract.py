"""Feed item HTML to clean text, credit line, original publisher link and story-context link.

Pure: the IO step that fetches BHRRC item pages lives elsewhere and calls these functions.
"""

from dataclasses import dataclass

from news.boilerplate import repeated_lines, strip_to_text
from news.byline import Byline, credit_lines, find_byline, parse_byline
from news.links import find_context_link, find_original_link, scan_links, token_links
from news.markup import html_to_text, iter_visible, looks_like_html, text_of
from news.scan import read
from news.urls import canonical_url, split_context_anchor

__all__ = [
    "Byline",
    "Extracted",
    "extract_item",
    "find_context_link",
    "find_original_link",
    "html_to_text",
    "parse_byline",
    "repeated_lines",
]


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one feed item says, cleaned: text, credit line and the two links worth sending."""

    text: str
    byline: Byline | None
    original_url: str | None
    context_url: str | None


def extract_item(html: str, *, base_url: str, repeated: frozenset[str] = frozenset()) -> Extracted:
    """Clean text without boilerplate or credit line, plus the byline, the original publisher's
    URL (canonical: no tracking) and the BHRRC story-context URL (keeping its ``#c<id>``)."""
    text, original, context = _read(html, base_url)
    byline, lines = _take_byline(text)
    return Extracted(
        text=strip_to_text(lines, repeated),
        byline=byline,
        original_url=canonical_url(original) if original else None,
        context_url=_canonical_context(context) if context else None,
    )


def _read(html: str, base_url: str) -> tuple[str, str | None, str | None]:
    """The text, original link and context link of ``html``, from one scan of it."""
    if not looks_like_html(html):
        return html_to_text(html), None, None
    found = read(html)  # html_to_text of the same item may have scanned it just before
    if found is None:  # the scan declined: read it token by token
        tokens = list(iter_visible(html))
        return text_of(tokens), *token_links(tokens, base_url)
    scanned, text = found
    return text, *scan_links(scanned, base_url, text)


def _take_byline(text: str) -> tuple[Byline | None, list[str]]:
    """The first credit line, and the lines without it (text after it on its line stays).
    The lines of ``text`` are folded (html_to_text folds them), and so are those returned."""
    lines = text.split("\n")
    for index in credit_lines(lines):
        line = lines[index]
        if found := find_byline(line):
            byline, end = found
            return byline, [*lines[:index], " ".join(line[end:].split()), *lines[index + 1 :]]
    return None, lines


def _canonical_context(url: str) -> str:
    """Canonicalise a story link but keep its ``#c<id>`` item anchor, which is the point."""
    story, item_id = split_context_anchor(url)
    return canonical_url(story) + (f"#c{item_id}" if item_id else "")
