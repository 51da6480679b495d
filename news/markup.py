"""A small, linear-time HTML tokenizer and the plain text a browser would show.

Feed HTML is hostile input. The stdlib ``html.parser`` goes quadratic on runs like ``<a<a<a``
or ``<!--<!--`` (measured on 3.11.7: 200 kB took over a minute), so this module scans with
``str.find`` and anchored regexes that never look back: every character is examined a bounded
number of times. Recovery follows the HTML standard where it matters for text: an unclosed
comment or quoted attribute runs to the end, script-like elements are raw text.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape

_WS = "\t\n\f\r "
_MARKUP = re.compile(r"<[A-Za-z/!?]")
# Most tags in feeds are bare (<p>, </em>); reading them in one match halves the cost.
_BARE_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)>")
_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*")
_SKIP_WS_SLASH = re.compile(r"[\t\n\f\r /]*")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_EQUALS = re.compile(r"[\t\n\f\r ]*=[\t\n\f\r ]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_WS_RUN = re.compile(r"[\t\n\f\r ]{2,}|[\t\n\f\r]")  # a lone " " needs no replacing
# Elements whose content is raw text up to their end tag; none of it is readable prose.
_RAW_TEXT = ("script", "style", "noscript", "iframe", "noembed", "noframes", "xmp", "textarea")
_RAW_END = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in _RAW_TEXT}
_RAW_END["title"] = re.compile(r"</title[\t\n\f\r />]", re.IGNORECASE)  # the <head> title
# Elements whose content is markup we do not show: plug-ins, icon sprites, formulas, templates.
_HIDDEN = frozenset({"object", "svg", "math", "template"})
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!?]")


@dataclass(frozen=True, slots=True)
class Text:
    """Character data with entities decoded."""

    data: str


@dataclass(frozen=True, slots=True)
class StartTag:
    """An opening tag; attribute names are lower-case, values decoded, first one wins."""

    name: str
    attrs: dict[str, str]
    self_closing: bool = False


@dataclass(frozen=True, slots=True)
class EndTag:
    """A closing tag."""

    name: str


Token = Text | StartTag | EndTag


def iter_tokens(html: str) -> Iterator[Token]:
    """Tokens of ``html`` in order; comments, doctypes and processing instructions dropped."""
    pos, end = 0, len(html)
    while pos < end:
        match = _MARKUP.search(html, pos)
        start = match.start() if match else end
        if start > pos:
            yield Text(unescape(html[pos:start]))
        if match is None:
            return
        pos, token = _read_markup(html, start)
        if token is not None:
            yield token
        if isinstance(token, StartTag) and token.name in _RAW_END:
            found = _RAW_END[token.name].search(html, pos)
            pos = found.start() if found else end  # raw text content is skipped


def _read_markup(html: str, pos: int) -> tuple[int, Token | None]:
    """Read the markup starting at ``html[pos] == "<"``: (position after it, token)."""
    bare = _BARE_TAG.match(html, pos)
    if bare is not None:
        name = bare.group(2).lower()
        return bare.end(), EndTag(name) if bare.group(1) else StartTag(name, {})
    if html.startswith("<!--", pos):
        return _comment_end(html, pos + 4), None
    if html.startswith("</", pos):
        name = _TAG_NAME.match(html, pos + 2)
        if name is None:  # "</>" is ignored, "</ junk>" is a bogus comment
            return _bogus_comment_end(html, pos), None
        after, attrs = _read_attrs(html, name.end())
        return after, None if attrs is None else EndTag(name.group().lower())
    if html[pos + 1] in "!?":
        return _bogus_comment_end(html, pos), None
    name_end = _match_end(_TAG_NAME, html, pos + 1)  # _MARKUP saw a letter: it matches
    after, attrs = _read_attrs(html, name_end)
    if attrs is None:  # the file ended inside the tag: browsers drop it
        return after, None
    return after, StartTag(html[pos + 1 : name_end].lower(), attrs, html[after - 2] == "/")


def _comment_end(html: str, pos: int) -> int:
    if html.startswith(">", pos):  # "<!-->" is an (empty) comment
        return pos + 1
    if html.startswith("->", pos):
        return pos + 2
    close = html.find("-->", pos)
    return len(html) if close < 0 else close + 3


def _bogus_comment_end(html: str, pos: int) -> int:
    close = html.find(">", pos)
    return len(html) if close < 0 else close + 1


def _read_attrs(html: str, pos: int) -> tuple[int, dict[str, str] | None]:
    """Attributes up to the closing ">": (position after it, attributes or None at EOF)."""
    attrs: dict[str, str] = {}
    end = len(html)
    while True:
        pos = _match_end(_SKIP_WS_SLASH, html, pos)
        if pos >= end:
            return end, None
        if html[pos] == ">":
            return pos + 1, attrs
        name_end = _match_end(_ATTR_NAME, html, pos)
        name, pos = html[pos:name_end], name_end
        equals = _EQUALS.match(html, pos)
        value = ""
        if equals is not None:
            pos = equals.end()
            if pos < end and html[pos] in "\"'":
                close = html.find(html[pos], pos + 1)
                if close < 0:  # an unclosed quote swallows the rest of the file
                    return end, None
                value, pos = html[pos + 1 : close], close + 1
            else:
                value_end = _match_end(_UNQUOTED, html, pos)
                value, pos = html[pos:value_end], value_end
        attrs.setdefault(name.lower(), unescape(value))


def _match_end(pattern: re.Pattern[str], html: str, pos: int) -> int:
    """End of ``pattern`` matched at ``pos``; the patterns used here cannot fail there."""
    match = pattern.match(html, pos)
    return pos if match is None else match.end()


def iter_visible(html: str) -> Iterator[Token]:
    """Tokens a reader would see: the content of hidden elements (svg, object…) dropped."""
    open_hidden: list[str] = []
    counts: Counter[str] = Counter()
    for token in iter_tokens(html):
        if isinstance(token, StartTag) and token.name in _HIDDEN:
            if not token.self_closing:
                open_hidden.append(token.name)
                counts[token.name] += 1
        elif isinstance(token, EndTag) and counts[token.name] > 0:
            # Closing an outer hidden element closes everything opened inside it.
            while (popped := open_hidden.pop()) != token.name:
                counts[popped] -= 1
            counts[popped] -= 1
        elif not open_hidden:
            yield token


def html_to_text(html: str) -> str:
    """Feed HTML (or plain text) as clean plain text: one line per block, whitespace folded
    within lines, no empty lines, entities decoded, scripts and styles dropped."""
    if not looks_like_html(html):  # plain text: its line breaks are meant
        return fold_lines(unescape(html))
    return text_of(iter_visible(html))


def looks_like_html(text: str) -> bool:
    """True when ``text`` has anything that parses as a tag, comment or declaration."""
    return _LOOKS_LIKE_HTML.search(text) is not None


def text_of(tokens: Iterable[Token]) -> str:
    """The plain text of visible ``tokens`` (see html_to_text)."""
    pieces: list[str] = []
    pre_depth = 0
    for token in tokens:
        if isinstance(token, Text):
            pieces.append(token.data if pre_depth else _fold_html_space(token.data))
        elif token.name in BLOCKS:
            pieces.append("\n")
            if token.name == "pre":  # preformatted text keeps its line breaks
                pre_depth = pre_depth + 1 if isinstance(token, StartTag) else max(0, pre_depth - 1)
        elif token.name in _CELLS:
            pieces.append(" ")
    return fold_lines("".join(pieces))


def _fold_html_space(data: str) -> str:
    """Whitespace in HTML text is one space, except that a blank line is kept as a break:
    many feeds separate paragraphs with blank lines instead of <p>, and treating them as
    breaks only ever adds a sentence boundary."""
    if "\n" not in data:
        return _WS_RUN.sub(" ", data)
    return _WS_RUN.sub(lambda m: "\n" if m.group().count("\n") > 1 else " ", data)


def fold_lines(text: str) -> str:
    """Fold whitespace within each line and drop empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
