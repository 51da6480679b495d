"""A small, linear-time HTML tokenizer, and the kinds of elements that matter for text.

Feed HTML is hostile input. The stdlib ``html.parser`` goes quadratic on runs like ``<a<a<a``
or ``<!--<!--`` (measured on 3.11.7: 200 kB took over a minute), so this module scans with
``str.find`` and anchored regexes that never look back: every character is examined a bounded
number of times. Recovery follows the HTML standard where it matters for text: an unclosed
comment or quoted attribute runs to the end, script-like elements are raw text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from news.text.entities import unescape

_MARKUP = re.compile(r"<[A-Za-z/!?]")
# Most tags in feeds are bare (<p>, </em>); reading them in one match halves the cost.
_BARE_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)>")
_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*")
# One attribute after space and slashes: its name (empty only at ">" or the end of the file),
# then "=" and a double-quoted, single-quoted or unquoted value (empty before an unclosed
# quote), or no value. Possessive quantifiers: one forward pass, never any backtracking.
_ATTR = re.compile(
    r"[\t\n\f\r /]*+([^\t\n\f\r />][^\t\n\f\r />=]*+|)"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    r"(?:\"([^\"]*+)\"|'([^']*+)'|([^\t\n\f\r >\"'][^\t\n\f\r >]*+|))|)"
)
# Elements whose content is raw text up to their end tag; none of it is readable prose.
_RAW_TEXT = ("script", "style", "noscript", "iframe", "noembed", "noframes", "xmp", "textarea")
RAW_END = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in _RAW_TEXT}
RAW_END["title"] = re.compile(r"</title[\t\n\f\r />]", re.IGNORECASE)  # the <head> title
# Elements whose content is markup we do not show: plug-ins, icon sprites, templates, and a
# formula's annotations (its TeX source, say). A formula's own text is shown, as browsers do.
HIDDEN = frozenset({"object", "svg", "template", "annotation", "annotation-xml"})
# Elements that start a new line of text, and table cells, which are set apart by a space.
BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
CELLS = frozenset({"td", "th"})


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
        pos, token = read_markup(html, start)
        if token is not None:
            yield token
        if isinstance(token, StartTag) and token.name in RAW_END:
            pos = raw_text_end(html, token.name, pos)  # raw text content is skipped


def raw_text_end(html: str, name: str, pos: int) -> int:
    """Where the raw text of element ``name`` that starts at ``pos`` ends: its end tag."""
    found = RAW_END[name].search(html, pos)
    return found.start() if found else len(html)


def read_markup(html: str, pos: int) -> tuple[int, Token | None]:
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
        after, attrs = read_attrs(html, name.end())
        return after, None if attrs is None else EndTag(name.group().lower())
    if html[pos + 1] in "!?":
        return _bogus_comment_end(html, pos), None
    name_end = _match_end(_TAG_NAME, html, pos + 1)  # _MARKUP saw a letter: it matches
    after, attrs = read_attrs(html, name_end)
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


def read_attrs(html: str, pos: int) -> tuple[int, dict[str, str] | None]:
    """Attributes up to the closing ">": (position after it, attributes or None at EOF)."""
    attrs: dict[str, str] = {}
    match = _ATTR.match
    while True:
        name, double, single, bare = (found := match(html, pos)).groups()  # type: ignore[union-attr]
        pos = found.end()  # type: ignore[union-attr]  # _ATTR matches everywhere
        if not name:  # only ">" and the end of the file keep a name from starting
            return (pos + 1, attrs) if pos < len(html) else (len(html), None)
        if bare == "" and html[pos : pos + 1] in ("'", '"'):
            return len(html), None  # an unclosed quote swallows the rest of the file
        value = double if double is not None else single if single is not None else bare or ""
        attrs.setdefault(name.lower(), unescape(value) if "&" in value else value)


def _match_end(pattern: re.Pattern[str], html: str, pos: int) -> int:
    """End of ``pattern`` matched at ``pos``; the patterns used here cannot fail there."""
    match = pattern.match(html, pos)
    return pos if match is None else match.end()
