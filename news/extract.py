"""Feed item HTML to clean text, credit line, original publisher link and story-context link.

Pure: the IO step that fetches BHRRC item pages lives elsewhere and calls these functions.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from news.boilerplate import repeated_lines, strip_boilerplate
from news.byline import Byline, find_byline, parse_byline
from news.markup import (
    BLOCKS,
    StartTag,
    Text,
    Token,
    fold_lines,
    html_to_text,
    iter_visible,
    looks_like_html,
    text_of,
)
from news.urls import canonical_url, is_http_url, split_context_anchor

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

# Anchor labels pointing at the original publisher: BHRRC "Read the full post here"
# (domain.md §1.1), "Read the full article", "Full story".
_ORIGINAL_LABEL = re.compile(
    r"\W*(?:read (?:the )?(?:full|whole|original) (?:post|article|story|report|statement)"
    r"(?: here)?|full (?:story|article|post|report)|read (?:it )?in full)\W*",
    re.IGNORECASE,
)
# Text that announces the next link as the original: The Cambodia Daily's "In full: <a>…"
# (domain.md §5.3), and the same labels followed by a colon.
_ORIGINAL_PREFIX = re.compile(
    r"\b(?:in\s+full|full\s+story|read\s+the\s+full\s+(?:post|article|story)(?:\s+here)?)\s*:",
    re.IGNORECASE,
)
# BHRRC's notice on an item's own URL; the link after it is the story plus "#c<item id>".
_NOTICE = re.compile(
    r"being\s+redirected\s+to\s+the\s+story|part\s+of\s+a\s+larger\s+story", re.IGNORECASE
)
_REFRESH_URL = re.compile(r"\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?", re.IGNORECASE)
_SPACE_RUN = re.compile(r"\s{2,}|[^\S ]")  # runs, and single spaces that are not " "
_RECENT = 400  # characters of preceding text kept to recognise labels and notices


@dataclass(frozen=True, slots=True)
class Anchor:
    """A link, its text, and the visible text just before it (blocks as line breaks,
    whitespace not folded)."""

    href: str
    label: str
    preceding: str


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
    tokens = list(iter_visible(html)) if looks_like_html(html) else []
    text = text_of(tokens) if tokens else html_to_text(html)
    anchors = list(iter_anchors(tokens, base_url=base_url))
    original = _original_link(anchors)
    context = _context_link(anchors) or _meta_refresh(tokens, base_url)
    byline, lines = _take_byline(text.split("\n"))
    return Extracted(
        text="\n".join(strip_boilerplate(lines, repeated)),
        byline=byline,
        original_url=canonical_url(original) if original else None,
        context_url=_canonical_context(context) if context else None,
    )


def _take_byline(lines: list[str]) -> tuple[Byline | None, list[str]]:
    """The first credit line, and the lines without it (text after it on its line stays)."""
    for index, line in enumerate(lines):
        if found := find_byline(line):
            byline, end = found
            return byline, [*lines[:index], line[end:], *lines[index + 1 :]]
    return None, lines


def _canonical_context(url: str) -> str:
    """Canonicalise a story link but keep its ``#c<id>`` item anchor, which is the point."""
    story, item_id = split_context_anchor(url)
    return canonical_url(story) + (f"#c{item_id}" if item_id else "")


def find_original_link(html: str, *, base_url: str) -> str | None:
    """The href of the "Read the full post here" link (or "Read the full article", "Full
    story", "In full: <a>"), resolved against ``base_url``; only http(s) links count."""
    return _original_link(iter_anchors(iter_visible(html), base_url=base_url))


def _original_link(anchors: Iterable[Anchor]) -> str | None:
    for anchor in anchors:
        last_line = anchor.preceding.rpartition("\n")[2]
        if _ORIGINAL_LABEL.fullmatch(anchor.label) or _ORIGINAL_PREFIX.search(last_line):
            return anchor.href
    return None


def find_context_link(html: str, *, base_url: str) -> str | None:
    """On a BHRRC redirect-notice page, the link after the notice ("…/<story>#c<id>");
    otherwise a ``<meta http-equiv="refresh">`` target; resolved against ``base_url``."""
    tokens = list(iter_visible(html))
    return _context_link(iter_anchors(tokens, base_url=base_url)) or _meta_refresh(
        tokens, base_url
    )


def _context_link(anchors: Iterable[Anchor]) -> str | None:
    return next((anchor.href for anchor in anchors if _NOTICE.search(anchor.preceding)), None)


def _meta_refresh(tokens: Iterable[Token], base_url: str) -> str | None:
    for token in tokens:
        if not (isinstance(token, StartTag) and token.name == "meta"):
            continue
        if token.attrs.get("http-equiv", "").strip().lower() != "refresh":
            continue
        content = token.attrs.get("content", "")
        prefix = _REFRESH_URL.match(content)  # delay, separator and "url=": all optional
        target = content[prefix.end() if prefix else 0 :].strip()
        if target[:1] in ("'", '"'):
            target = target[1:].partition(target[0])[0]
        return _resolve(target, base_url)
    return None


def iter_anchors(tokens: Iterable[Token], *, base_url: str) -> Iterator[Anchor]:
    """Links with an http(s) target among visible ``tokens``, in document order."""
    recent = ""  # the tail of the visible text so far, blocks as line breaks
    href: str | None = None
    preceding = ""
    label: list[str] = []
    for token in tokens:
        if not isinstance(token, Text) and token.name == "a":
            if href is not None:  # an </a>, or an <a> that closes the open one
                yield Anchor(href, fold_lines("".join(label)), preceding)
            href, label = None, []
            if isinstance(token, StartTag):
                href, preceding = _resolve(token.attrs.get("href", ""), base_url), recent
            continue
        piece = _visible_piece(token)
        if href is not None:
            label.append(piece)
        if piece:
            recent = (recent + piece)[-_RECENT:]
    if href is not None:
        yield Anchor(href, fold_lines("".join(label)), preceding)


def _visible_piece(token: Token) -> str:
    if isinstance(token, Text):
        return _SPACE_RUN.sub(" ", token.data)  # source line breaks are not visible breaks
    return "\n" if token.name in BLOCKS else ""


def _resolve(href: str, base_url: str) -> str | None:
    """``href`` made absolute against ``base_url``, if it is an http(s) link."""
    # Browsers strip surrounding whitespace and ignore tabs and newlines inside URLs.
    href = href.strip().replace("\t", "").replace("\n", "").replace("\r", "")
    if not href:
        return None
    try:
        url = urljoin(base_url, href)
    except ValueError:
        return None
    return url if is_http_url(url) else None
