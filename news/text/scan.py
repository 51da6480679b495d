"""The fast path of extraction: a document's visible text, links and meta tags, mostly in C.

``iter_visible`` (news/text/markup.py) reads a document token by token in Python. Extraction needs
only the text, where blocks break lines, the links and the meta tags, so ``scan`` leaves most
of the work to regexes and gives the same result:

1. Python visits only the markup that needs a decision (<a>, meta, <pre>, hidden and raw-text
   elements, comments, tags with unusual attributes); the tokenizer reads each one exactly as
   ``iter_tokens`` would. What lies between is text and plain tags.
2. One regex split finds the plain tags; block tags become line-break marks, cells space
   marks, </a> a link-end mark and all other tags separators. Markup the split could not read
   (a "<" inside a tag name, say) makes ``scan`` return None: callers take the token path.
3. One ``unescape`` (``html.unescape``, news/text/entities.py) of the whole: a mark sits wherever
   one text token ends and the next begins, and no character reference spans a mark, so this
   decodes each token on its own.

Marks are control characters that ``html.unescape`` never produces; documents that contain them
take the token path. Every regex is linear: possessive quantifiers and an atomic group, no
nested quantifiers.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

from news.text.entities import unescape
from news.text.tokenizer import (
    BLOCKS,
    CELLS,
    HIDDEN,
    RAW_END,
    EndTag,
    StartTag,
    raw_text_end,
    read_markup,
)

__all__ = [
    "LINE",
    "LINK_END",
    "LINK_START",
    "PRE_CLOSE",
    "PRE_OPEN",
    "SEP",
    "SPACE",
    "Scan",
    "fold_lines",
    "joined_text",
    "scan",
    "scan_text",
]

# Marks in the scanned text: a token boundary, a block's line break, a cell's space, <pre>,
# </pre>, <a> and </a>.
SEP, LINE, SPACE, PRE_OPEN, PRE_CLOSE, LINK_START, LINK_END = (chr(code) for code in range(7))
_MARKS = (SEP, LINE, SPACE, PRE_OPEN, PRE_CLOSE, LINK_START, LINK_END)
_MARK = {**dict.fromkeys(BLOCKS, LINE), **dict.fromkeys(CELLS, SPACE), "a": LINK_END}  # or SEP


def _names(names: Iterable[str]) -> str:
    """An alternation of ``names`` (ASCII letters and digits) as a trie, ASCII letters in
    either case: the regex engine tries a few characters, not every name."""
    heads: dict[str, list[str]] = {}
    for name in sorted(names):
        heads.setdefault(name[0], []).append(name[1:])
    branches = []
    for head, tails in heads.items():
        rest = [tail for tail in tails if tail]
        branch = f"[{head}{head.upper()}]" if head.isalpha() else head
        if rest:
            branch += "(?:" + _names(rest) + ("|)" if "" in tails else ")")
        branches.append(branch)
    return "|".join(branches)


# The rest of a plain tag after its name: up to four name="value" attributes, then anything
# without quotes up to ">". Within these bounds the tokenizer reads a tag the same way. A "<"
# in a name or after the attributes (the tokenizer allows it) makes the tag not plain: that
# keeps every match attempt from reading past the next "<", so searches stay linear even at
# the "<"s inside a tag.
_ATTR = "(?:[\t\n\f\r ]++[A-Za-z_:][-A-Za-z0-9_:.]*+=(?:\"[^\"\x00-\x06]*+\"|'[^'\x00-\x06]*+')|)"
_TAG_END = "(?>" + _ATTR * 4 + ")[^<>\"'\x00-\x06]*+>"
_NAME_END = "[^\t\n\f\r /<>\x00-\x06]*+"
# Tags Python visits whatever their attributes, and <a> (a plain </a> is a mark). Only the
# Kelvin sign lower-cases into ASCII, to "k", which none of these names has: matching their
# ASCII letters in either case is exact.
_VISITED = ("meta", "pre", *HIDDEN, *RAW_END)
_PLAIN_START = (
    "(?:/(?!(?:" + _names(_VISITED) + ")[\t\n\f\r />])"
    "|(?!(?:" + _names(("a", *_VISITED)) + ")[\t\n\f\r />]))"
)
_PLAIN = _PLAIN_START + "[A-Za-z]" + _NAME_END + _TAG_END
# Where Python must look: markup that is not a plain tag.
_STOP = re.compile("<(?!" + _PLAIN + ")[A-Za-z/!?]")
# The usual link, read in one match: <a href="…"> and up to four more attributes.
_LINK_END = '[aA][\t\n\f\r ]++[hH][rR][eE][fF]="([^"]*+)"' + _TAG_END
_LINK = re.compile("<" + _LINK_END)
# For a document with no markup but usual links and plain tags, one split reads it all: links
# (their hrefs), plain tags (their names), and anything else (then the visits are needed).
_ALL = re.compile(f"<(?:{_LINK_END}|{_PLAIN_START}([A-Za-z]{_NAME_END}){_TAG_END}|([A-Za-z/!?]))")
# Plain tags (their names), and (in the second group) any other markup: the split misread it.
_TAGS = re.compile("<(?:/?([A-Za-z]" + _NAME_END + ")" + _TAG_END + "|([A-Za-z/!?]))")
# For joined_text. A tag as the tokenizer reads it, any number of attributes, but no "<" in
# it (so that every match attempt stops at the next "<": linear) and no attribute separated
# from the one before only by its quotes: such tags are left for the _MARKUP check.
_JOIN_ATTR = (
    "[\t\n\f\r /]++[^\t\n\f\r />=<][^\t\n\f\r />=<]*+"
    "(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    "(?:\"[^\"<]*+\"|'[^'<]*+'|[^\t\n\f\r >\"'<][^\t\n\f\r ><]*+|))?+"
)
_JOIN_TAG = re.compile("</?[A-Za-z][^\t\n\f\r />=<]*+(?:" + _JOIN_ATTR + ")*+[\t\n\f\r /]*+>")
# Markup whose content or attributes reading keeps apart from the text: comments and
# declarations, meta, hidden and raw-text elements. Comments without "<", ">" or a leading
# "-", and such elements left empty, are dropped first, in a pass of their own.
_SPECIAL = _names(("meta", *HIDDEN, *RAW_END))
_UNDROPPABLE = re.compile("<(?:[!?]|/?(?:" + _SPECIAL + ")(?![^\t\n\f\r />]))")
_EMPTY_SPECIAL = re.compile(
    "<!--(?![->])[^<>]*?-->"
    "|<(" + _names((*HIDDEN, *RAW_END)) + ")(?:" + _JOIN_ATTR + ")*+[\t\n\f\r ]*+></\\1>",
    re.IGNORECASE,
)
_MARKUP = re.compile("<[A-Za-z/!?]")
_BLANK_LINE = re.compile(r"\n[\t\f\r ]*+\n")  # two line breaks in one run of HTML space
_PRE_MARK = re.compile(f"([{PRE_OPEN}{PRE_CLOSE}])")
# White space that is not a line break, and the line breaks of str.splitlines, but "\n", "\f"
# and "\r" (HTML white space, spaces after _BLANK_LINE).
_SPACES = "\n\f\r\t\x1f\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
_SPACES += "\u202f\u205f\u3000"
_OTHER_BREAKS = "\x0b\x1c\x1d\x1e\x85\u2028\u2029"
_SPACE_RUN = re.compile("  +")  # two spaces first: the regex engine looks for them fast


@dataclass(frozen=True, slots=True)
class Scan:
    """A document's visible text, decoded, with marks (see above), and its links and metas."""

    decoded: str
    hrefs: list[str]  # the href of each <a>, in the order of the LINK_START marks
    metas: list[StartTag]
    has_pre: bool


@dataclass(slots=True)
class _Visitor:
    """What the tags visited so far say: pieces of text and marks, links, metas."""

    pieces: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    metas: list[StartTag] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # open hidden elements, innermost last
    counts: Counter[str] = field(default_factory=Counter)
    unseen: list[str] = field(default_factory=list)  # text inside hidden elements
    has_pre: bool = False


def scan(html: str) -> Scan | None:
    """What ``iter_visible`` would show of ``html`` (for text and links), or None when the
    token path must read it."""
    if any(mark in html for mark in _MARKS):
        return None
    if "<!" not in html and "<?" not in html and (quick := _scan_plain(html)) is not None:
        return quick
    visitor = _Visitor()
    search, pos, end = _STOP.search, 0, len(html)
    while pos < end:
        match = search(html, pos)
        start = end if match is None else match.start()
        if start > pos:
            (visitor.unseen if visitor.hidden else visitor.pieces).append(html[pos:start])
        if match is None:
            break
        if not visitor.hidden and (link := _LINK.match(html, start)):
            _add_link(visitor, unescape(link[1]))
            pos = link.end()
            continue
        pos, token = read_markup(html, start)
        if isinstance(token, StartTag | EndTag):
            pos = _visit(visitor, html, pos, token)
    return _decode(visitor)


def joined_text(html: str) -> str | None:
    """``html`` with its tags dropped without a trace and its character references left as
    written, or None when it has markup that cannot be dropped that way (or the scan's marks).

    Reading the same document gives text tokens joined by nothing (inline tags) or by a line
    break (blocks): either way each word of the text that holds no character reference is a
    substring of this. The converse does not hold, as a block's last word runs into the next
    block's first; news.text.skim only needs this direction."""
    if any(map(html.__contains__, _MARKS)):
        return None
    if "<" not in html:
        return html
    if _UNDROPPABLE.search(html):
        html = _EMPTY_SPECIAL.sub("", html)
        if _UNDROPPABLE.search(html):
            return None
    joined = _JOIN_TAG.sub("", html)
    return None if "<" in joined and _MARKUP.search(joined) else joined


def _scan_plain(html: str) -> Scan | None:
    """``scan`` in one split, or None if ``html`` has markup that needs a visit."""
    parts = _ALL.split(html)
    if any(parts[3::4]):
        return None
    hrefs, names = parts[1::4], parts[2::4]
    parts[1::4] = [LINK_START if name is None else _MARK.get(name.lower(), SEP) for name in names]
    parts[2::4] = parts[3::4] = [""] * len(names)
    return Scan(unescape("".join(parts)), [unescape(h) for h in hrefs if h is not None], [], False)


def _add_link(visitor: _Visitor, href: str) -> None:
    visitor.pieces.append(LINK_START)
    visitor.hrefs.append(href)


def _visit(visitor: _Visitor, html: str, pos: int, tag: StartTag | EndTag) -> int:
    """Record one tag as ``iter_visible`` and ``text_of`` see it; the position to go on from."""
    name, is_start = tag.name, isinstance(tag, StartTag)
    if is_start and name in RAW_END:
        return raw_text_end(html, name, pos)
    if name in HIDDEN and (is_start or visitor.counts[name] > 0):
        if isinstance(tag, StartTag):
            if not tag.self_closing:
                visitor.hidden.append(name)
                visitor.counts[name] += 1
        else:  # closing an outer hidden element closes everything opened inside it
            while (popped := visitor.hidden.pop()) != name:
                visitor.counts[popped] -= 1
            visitor.counts[popped] -= 1
        return pos
    if visitor.hidden:
        return pos
    if name == "pre":
        visitor.pieces.append(PRE_OPEN if is_start else PRE_CLOSE)
        visitor.has_pre = True
    elif name in _MARK:
        if isinstance(tag, StartTag) and name == "a":
            _add_link(visitor, tag.attrs.get("href", ""))
        else:
            visitor.pieces.append(_MARK[name])
    elif name == "meta" and isinstance(tag, StartTag):
        visitor.metas.append(tag)
    return pos


def _decode(visitor: _Visitor) -> Scan | None:
    """The pieces joined, plain tags turned into marks, references decoded; None if any
    markup is left that the split did not read."""
    parts = _TAGS.split(SEP.join(visitor.pieces))
    if any(parts[2::3]) or (visitor.unseen and any(_TAGS.split(SEP.join(visitor.unseen))[2::3])):
        return None
    parts[1::3] = map(_MARK.get, map(str.lower, parts[1::3]), repeat(SEP))
    parts[2::3] = repeat("", len(parts) // 3)
    return Scan(unescape("".join(parts)), visitor.hrefs, visitor.metas, visitor.has_pre)


def scan_text(scanned: Scan) -> str:
    """The plain text of a scan, as ``text_of`` gives it for the same tokens."""
    if not scanned.has_pre:
        return _fold_lines(scanned.decoded)
    parts: list[str] = []
    depth = 0
    for part in _PRE_MARK.split(scanned.decoded):
        if part in (PRE_OPEN, PRE_CLOSE):
            parts.append("\n")
            depth = depth + 1 if part == PRE_OPEN else max(0, depth - 1)
        else:  # preformatted text keeps its line breaks
            parts.append(_unmark(part) if depth else _fold(part))
    return fold_lines("".join(parts))


def _fold(text: str) -> str:
    """HTML space of every token folded: a run with two line breaks is a break, any other space
    character a space (fold_lines folds runs of spaces); marks made text."""
    text = _BLANK_LINE.sub(LINE, text)
    return _unmark(text.replace("\n", " ").replace("\f", " ").replace("\r", " "))


def _fold_lines(text: str) -> str:
    """``fold_lines(_fold(text))`` with no <pre> in it, in passes over the whole text instead
    of a split and join of every line (most of the cost of html_to_text): white space becomes
    " " and line breaks LINE marks; then runs of spaces, spaces next to a break, and runs of
    breaks (empty lines) are dropped."""
    text = _BLANK_LINE.sub(LINE, text)
    for space in _SPACES:  # fold_lines (str.split) takes all of these for spaces
        if space in text:
            text = text.replace(space, " ")
    for brk in _OTHER_BREAKS:  # and these for line breaks (str.splitlines)
        if brk in text:
            text = text.replace(brk, LINE)
    for mark in (SEP, LINK_START, LINK_END):
        text = text.replace(mark, "")
    text = _SPACE_RUN.sub(" ", text.replace(SPACE, " "))
    return "\n".join(filter(None, map(str.strip, text.split(LINE))))


def _unmark(text: str) -> str:
    """Marks made text (str.replace beats str.translate on long non-ASCII text)."""
    for mark in (SEP, LINK_START, LINK_END):
        text = text.replace(mark, "")
    return text.replace(SPACE, " ").replace(LINE, "\n")


def fold_lines(text: str) -> str:
    """Fold whitespace within each line and drop empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
