"""The two links of a feed item worth sending: the original publisher's, and BHRRC's story in
context. Pure.

A link is judged by its label and by the visible text just before it. ``iter_anchors`` reads
them from tokens; the scan functions read the same from a ``Scan`` (news/text/scan.py), make the
label and preceding text of a link only when needed, and resolve only the hrefs of links whose
label or preceding text qualifies (resolving every link was most of the old cost).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from news.text.linefind import ODD_CASE, lower_has
from news.text.markup import BLOCKS, StartTag, Text, Token, fold_lines, iter_visible
from news.text.scan import (
    LINE,
    LINK_END,
    LINK_START,
    PRE_CLOSE,
    PRE_OPEN,
    SEP,
    SPACE,
    Scan,
    scan,
    scan_text,
)
from news.text.urls import is_http_url

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
_LINE_MARKS = (LINE, PRE_OPEN, PRE_CLOSE)
_LINE_MARK = re.compile(f"[{LINE}{PRE_OPEN}{PRE_CLOSE}]")
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


def find_original_link(html: str, *, base_url: str) -> str | None:
    """The href of the "Read the full post here" link (or "Read the full article", "Full
    story", "In full: <a>"), resolved against ``base_url``; only http(s) links count."""
    scanned = scan(html)
    if scanned is None:
        return token_links(list(iter_visible(html)), base_url)[0]
    return scan_links(scanned, base_url, scan_text(scanned))[0]


def find_context_link(html: str, *, base_url: str) -> str | None:
    """On a BHRRC redirect-notice page, the link after the notice ("…/<story>#c<id>");
    otherwise a ``<meta http-equiv="refresh">`` target; resolved against ``base_url``."""
    scanned = scan(html)
    if scanned is None:
        return token_links(list(iter_visible(html)), base_url)[1]
    return scan_links(scanned, base_url, scan_text(scanned))[1]


def token_links(tokens: list[Token], base_url: str) -> tuple[str | None, str | None]:
    """The original and the context link among visible ``tokens``."""
    anchors = list(iter_anchors(tokens, base_url=base_url))
    original = next((a.href for a in anchors if _is_original(a.label, a.preceding)), None)
    context = next((a.href for a in anchors if _NOTICE.search(a.preceding)), None)
    return original, context or _meta_refresh(tokens, base_url)


def scan_links(scanned: Scan, base_url: str, shown: str) -> tuple[str | None, str | None]:
    """The original and the context link of a scanned document (``shown`` is its text, from
    scan_text): what ``token_links`` finds in its tokens. A link's preceding text is made only
    when its line has a colon or the text has the notice's words, and only the hrefs of links
    that qualify are resolved."""
    text, original, context = scanned.decoded, None, None
    if not scanned.hrefs:
        return None, _meta_refresh(scanned.metas, base_url)
    notice = _may_have_notice(text, shown)
    starts = _positions(text, LINK_START)
    preceding = _Preceding(text)
    colon, read = False, 0  # whether the line before the last link read has a ":"
    marks = _LINE_MARKS if scanned.has_pre else (LINE,)
    for number, (start, href) in enumerate(zip(starts, scanned.hrefs, strict=True)):
        line_start = max([text.rfind(mark, read, start) for mark in marks])
        colon = text.find(":", max(line_start, read), start) >= 0 or (colon and line_start < 0)
        read = start
        if original is None:
            end = starts[number + 1] if number + 1 < len(starts) else len(text)
            label_end = text.find(LINK_END, start, end)
            label = _label(text[start + 1 : end if label_end < 0 else label_end])
            if _ORIGINAL_LABEL.fullmatch(label) or (
                colon and _ORIGINAL_PREFIX.search(preceding(start).rpartition("\n")[2])
            ):
                original = _resolve(href, base_url)
        if context is None and notice and _NOTICE.search(preceding(start)):
            context = _resolve(href, base_url)
        if original is not None and context is not None:
            break
    return original, context or _meta_refresh(scanned.metas, base_url)


class _Preceding:
    """The last _RECENT visible characters before a position of scanned text, for positions
    asked in order; each part of the text is read at most once (a few times over, at most,
    near the positions asked)."""

    def __init__(self, text: str) -> None:
        self.text, self.recent, self.done = text, "", 0

    def __call__(self, position: int) -> str:
        if position > self.done:
            tail = _visible_tail(self.text, self.done, position)
            self.recent, self.done = (self.recent + tail)[-_RECENT:], position
        return self.recent


def _is_original(label: str, preceding: str) -> bool:
    last_line = preceding.rpartition("\n")[2]
    return bool(
        _ORIGINAL_LABEL.fullmatch(label)
        or (":" in last_line and _ORIGINAL_PREFIX.search(last_line))
    )


def _positions(text: str, mark: str) -> list[int]:
    positions, found = [], text.find(mark)
    while found >= 0:
        positions.append(found)
        found = text.find(mark, found + 1)
    return positions


def _visible(text: str) -> str:
    """The visible text of scanned text, as _visible_piece gives it for its tokens."""
    text = _unmarked(_SPACE_RUN.sub(" ", text))  # source line breaks are not visible breaks
    return text.replace(LINE, "\n").replace(PRE_OPEN, "\n").replace(PRE_CLOSE, "\n")


def _visible_tail(text: str, start: int, end: int) -> str:
    """The end of ``_visible(text[start:end])``, at least _RECENT characters of it (or all):
    the visible text of a suffix is a suffix of the visible text, so windows from the end
    grow until one is long enough."""
    size = 2 * _RECENT
    while True:
        cut = max(start, end - size)
        visible = _visible(text[cut:end])
        if cut == start or len(visible) >= _RECENT:
            return visible
        size *= 4


def _label(text: str) -> str:
    """fold_lines(_visible(text)) for the text of a link (no link marks in it)."""
    text = text.replace(SEP, "").replace(SPACE, "")
    if any(mark in text for mark in _LINE_MARKS):
        lines = (" ".join(line.split()) for line in _LINE_MARK.split(text))
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def _unmarked(text: str) -> str:
    for mark in (SEP, SPACE, LINK_START, LINK_END):
        text = text.replace(mark, "")
    return text


def _may_have_notice(text: str, shown: str) -> bool:
    """False when the visible text has neither word that every _NOTICE match has. The shown
    text has every word of the visible text unless a cell split one (cells are spaces in it,
    nothing in the visible text)."""
    if any(char in text for char in ODD_CASE):
        return True
    return lower_has(_unmarked(text) if SPACE in text else shown, (b"redirected", b"larger"))


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
