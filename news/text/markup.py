"""The plain text a browser would show of feed HTML.

Tokens come from the linear-time tokenizer in news/text/tokenizer.py. ``iter_visible`` and
``text_of`` define what is shown, token by token; ``html_to_text`` gets the same text from the
fast scan in news/text/scan.py, and takes the token path when the scan declines a document.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from news.text.entities import unescape
from news.text.scan import fold_lines, scan, scan_text
from news.text.tokenizer import BLOCKS, CELLS, HIDDEN, EndTag, StartTag, Text, Token, iter_tokens

__all__ = [
    "BLOCKS",
    "EndTag",
    "StartTag",
    "Text",
    "Token",
    "fold_lines",
    "html_to_text",
    "iter_tokens",
    "iter_visible",
    "looks_like_html",
    "text_of",
]

_WS_RUN = re.compile(r"[\t\n\f\r ]{2,}|[\t\n\f\r]")  # a lone " " needs no replacing
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!?]")


def iter_visible(html: str) -> Iterator[Token]:
    """Tokens a reader would see: the content of hidden elements (svg, object…) dropped."""
    open_hidden: list[str] = []
    counts: Counter[str] = Counter()
    for token in iter_tokens(html):
        if isinstance(token, StartTag) and token.name in HIDDEN:
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
    scanned = scan(html)
    return text_of(iter_visible(html)) if scanned is None else scan_text(scanned)


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
        elif token.name in CELLS:
            pieces.append(" ")
    return fold_lines("".join(pieces))


def _fold_html_space(data: str) -> str:
    """Whitespace in HTML text is one space, except that a blank line is kept as a break:
    many feeds separate paragraphs with blank lines instead of <p>, and treating them as
    breaks only ever adds a sentence boundary."""
    if "\n" not in data:
        return _WS_RUN.sub(" ", data)
    return _WS_RUN.sub(lambda m: "\n" if m.group().count("\n") > 1 else " ", data)
