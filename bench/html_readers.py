"""B8's candidates: item HTML read by selectolax (Lexbor) or lxml instead of our tokenizer.

Each builds the ``Scan`` our scan builds (news/text/scan.py): the document's visible text with
marks where blocks, cells, <pre> and links start and end, the links' hrefs and the meta tags.
The marks are inserted into the library's tree as text, so ``scan_text`` and ``scan_links``
read the same things from every candidate and only the parsing differs. Documents that hold a
mark character lose it first (they are control characters nobody reads).
"""

from collections.abc import Callable

import lxml.html
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from news.text.extract import ItemRead, read_item
from news.text.links import scan_links
from news.text.markup import html_to_text, looks_like_html
from news.text.scan import (
    LINE,
    LINK_END,
    LINK_START,
    PRE_CLOSE,
    PRE_OPEN,
    SPACE,
    Scan,
    scan_text,
)
from news.text.tokenizer import BLOCKS, CELLS, HIDDEN, RAW_END, StartTag

_MARKS = (LINE, LINK_END, LINK_START, PRE_CLOSE, PRE_OPEN, SPACE, "\x00")
_NO_MARKS = str.maketrans("", "", "".join(_MARKS))
_DROPPED = sorted(HIDDEN | set(RAW_END))
# html and body hold everything: marks at the document's edges change nothing.
_LINE_BLOCKS = sorted(BLOCKS - {"pre", "html", "body"})
_BLOCK_SELECTOR = ",".join(_LINE_BLOCKS)
_CELL_SELECTOR = ",".join(sorted(CELLS))
# lxml takes no control characters into its tree: it gets private-use stand-ins for the marks.
_STAND_IN = {mark: chr(0xE000 + ord(mark)) for mark in _MARKS}
_NO_STAND_INS = str.maketrans("", "", "".join(_STAND_IN.values()) + "".join(_MARKS))
_FROM_STAND_INS = str.maketrans({ord(v): k for k, v in _STAND_IN.items()})


def selectolax_scan(html: str) -> Scan:
    """The Scan of ``html`` parsed by Lexbor (HTML5 tree building)."""
    tree = LexborHTMLParser(html.translate(_NO_MARKS))
    tree.strip_tags(_DROPPED)
    for node in tree.css(_BLOCK_SELECTOR):
        node.insert_before(LINE)
        node.insert_after(LINE)
    for node in tree.css(_CELL_SELECTOR):
        node.insert_before(SPACE)
        node.insert_after(SPACE)
    pres = tree.css("pre")
    for node in pres:
        node.insert_before(PRE_OPEN)
        node.insert_after(PRE_CLOSE)
    hrefs = []
    for node in tree.css("a"):
        node.insert_before(LINK_START)
        node.insert_after(LINK_END)
        hrefs.append(node.attributes.get("href") or "")
    metas = [
        StartTag("meta", {name: value or "" for name, value in node.attributes.items()})
        for node in tree.css("meta")
    ]
    root = tree.root
    return Scan(root.text() if root is not None else "", hrefs, metas, bool(pres))


def lxml_scan(html: str) -> Scan:
    """The Scan of ``html`` parsed by lxml.html (libxml2's HTML parser)."""
    try:
        root = lxml.html.document_fromstring(html.translate(_NO_STAND_INS))
    except (etree.ParserError, ValueError):  # "Document is empty": all of it a comment
        return Scan("", [], [], has_pre=False)
    etree.strip_elements(
        root, etree.Comment, etree.ProcessingInstruction, *_DROPPED, with_tail=False
    )
    for element, before, after in _marked(root):
        element.text = before + (element.text or "")
        element.tail = after + (element.tail or "")
    hrefs = [str(a.get("href") or "") for a in root.iter("a")]
    metas = [StartTag("meta", {str(k): str(v) for k, v in m.items()}) for m in root.iter("meta")]
    has_pre = next(root.iter("pre"), None) is not None
    text = "".join(root.itertext()).translate(_FROM_STAND_INS)
    return Scan(text, hrefs, metas, has_pre)


def _marked(root: "lxml.html.HtmlElement") -> list[tuple["etree._Element", str, str]]:
    """Each element that gets marks, with the mark at its start and after its end."""
    line, space, pre_open, pre_close, link_start, link_end = (
        _STAND_IN[mark] for mark in (LINE, SPACE, PRE_OPEN, PRE_CLOSE, LINK_START, LINK_END)
    )
    found = [(element, line, line) for element in root.iter(*_LINE_BLOCKS)]
    found += [(element, space, space) for element in root.iter(*CELLS)]
    found += [(element, pre_open, pre_close) for element in root.iter("pre")]
    found += [(element, link_start, link_end) for element in root.iter("a")]
    return found


def _reader(scanner: Callable[[str], Scan]) -> Callable[[str, str], ItemRead]:
    """``read_item`` with ``scanner`` in place of our scan (plain text is read as before)."""

    def read(html: str, base_url: str) -> ItemRead:
        if not looks_like_html(html):
            return ItemRead(html_to_text(html))
        scanned = scanner(html)
        text = scan_text(scanned)
        return ItemRead(text, *scan_links(scanned, base_url, text))

    return read


def _ours(html: str, base_url: str) -> ItemRead:
    return read_item(html, base_url=base_url)


READERS: dict[str, Callable[[str, str], ItemRead]] = {
    "ours": _ours,
    "selectolax": _reader(selectolax_scan),
    "lxml": _reader(lxml_scan),
}
