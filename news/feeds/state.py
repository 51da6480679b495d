"""feedparser's bookkeeping, replayed over a parsed tree: element stack, contexts and ``pop``.

The fast path (news.feeds.xml) must give exactly what feedparser gives, so this module copies the
decisions of feedparser 6 (``mixin.py`` and ``namespaces/_base.py``) that reach a field the
pipeline reads: entry title and bodies (and their types), id, link, authors and dates, and the
feed title. Its small helpers are feedparser's own. Whatever it does not copy raises UnsureError,
and feedparser parses that document instead.
"""

import base64
import binascii
import contextlib
import re
from typing import Any
from xml.sax.saxutils import escape

from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin
from feedparser.util import FeedParserDict

Context = dict[str, Any]
XHTML = "application/xhtml+xml"
HTML_TYPES = frozenset(_FeedParserMixin.html_types)
RELATIVE = frozenset(_FeedParserMixin.can_be_relative_uri)
KEYMAP: dict[str, str] = {
    k: v[0] if isinstance(v, list) else v for k, v in FeedParserDict.keymap.items()
}
looks_like_html = _FeedParserMixin.looks_like_html
_C1_CONTROLS = re.compile("[\x80-\x9f]")
# Absolute http(s) URLs that feedparser's _urljoin returns unchanged whatever the base (urljoin
# re-serialises them; none of the parts it would normalise away is present). Saves ~10 us each.
_PLAIN_URL = re.compile(r"https?://[^/?#\[\]\s]+(?:/[^?#;\s]*)?(?:\?[^#\s]+)?(?:#\S+)?", re.ASCII)
_QUERY_ENTITY = re.compile("&([A-Za-z0-9_]+);")
# feedparser's pattern, but for top-level domains longer than four letters (".example",
# ".international"): feedparser cuts "desk@ledger.example (Sreymom Chan)" to "ple (Sreymom
# Chan". Its own parser, our fallback for broken XML, still does.
_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,63}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)


class UnsureError(Exception):
    """The fast path met something it does not copy exactly: feedparser must parse this one."""


def fix_text(text: str) -> str:
    """feedparser's last touches on each value: UTF-8 read as Latin-1 undone, C1 as cp1252."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252) if _C1_CONTROLS.search(text) else text


def join_uri(base: str, uri: str) -> str:
    """feedparser's ``_urljoin(base, uri)``, without urllib for plain absolute URLs."""
    if uri.isascii() and uri.isprintable() and _PLAIN_URL.fullmatch(uri):
        return uri
    joined: str = _urljoin(base, uri)
    return joined


def map_content_type(content_type: str) -> str:
    content_type = content_type.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": XHTML}.get(
        content_type, content_type
    )


def is_base64(attrs: dict[str, str], content_type: str) -> bool:
    if attrs.get("mode", "") == "base64":
        return True
    return not content_type.startswith("text/") and not content_type.endswith(("+xml", "/xml"))


def strip_div(pieces: list[str]) -> list[str]:
    """Atom xhtml content loses the one <div> that wraps all of it."""
    while len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    while len(pieces) > 1 and not pieces[0].strip():
        del pieces[0]
    opens = pieces and (pieces[0] == "<div>" or pieces[0].startswith("<div "))
    if opens and pieces[-1] == "</div>":
        depth = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                depth -= 1
                if depth == 0:
                    break
            elif piece.startswith("<") and not piece.endswith("/>"):
                depth += 1
        else:
            pieces = pieces[1:-1]
    return pieces


def decode_base64(text: str) -> str:
    try:
        return base64.decodebytes(text.encode("utf8")).decode("utf8")
    except (binascii.Error, binascii.Incomplete, UnicodeDecodeError):
        return text


def put(context: Context, key: str, value: object) -> None:
    """``context[key] = value`` as FeedParserDict stores it (``url`` lands in ``href``...)."""
    context[KEYMAP.get(key, key)] = value


class FeedState:
    """Where feedparser is in the document and what it has stored so far."""

    def __init__(self, baseuri: str) -> None:
        self.version = ""
        self.feed: Context = {}
        self.entries: list[Context] = []
        self.depths: list[dict[str, int]] = []  # per entry: depth each property came from
        self.sourcedata: Context = {}
        self.stack: list[tuple[str, bool, list[str]]] = []
        self.contentparams: Context = {}
        self.baseuri = baseuri
        self.depth = 0
        self.title_depth = -1
        self.incontent = 0
        self.infeed = self.inentry = self.insource = False
        self.inimage = self.intextinput = False
        self.inauthor = self.incontributor = self.inpublisher = False
        self.has_content = False
        self.summary_key: str | None = None
        self.guidislink = False

    def push(self, element: str, expecting_text: bool) -> None:
        self.stack.append((element, expecting_text, []))

    def handle_data(self, text: str, *, escaped: bool = True) -> None:
        if not self.stack:
            return
        if escaped and self.contentparams.get("type") == XHTML:
            text = escape(text)
        self.stack[-1][2].append(text)

    def pop(self, element: str, *, strip: bool = True) -> str | None:
        if not self.stack or self.stack[-1][0] != element:
            return None
        _, expecting_text, pieces = self.stack.pop()
        if self.version == "atom10" and self.contentparams.get("type", "text") == XHTML:
            pieces = strip_div(pieces)
        output = "".join(pieces)
        if strip:
            output = output.strip()
        if not expecting_text:
            return output
        return self._finish(element, output)

    def _finish(self, element: str, output: str) -> str:
        if self.contentparams.get("base64"):
            output = decode_base64(output)
        if output and element in RELATIVE and (element != "id" or self.guidislink):
            output = join_uri(self.baseuri or "", output)
        # RSS says nothing of its text's type: feedparser guesses, and the body's and title's
        # types are read (news.feeds.fields), so the guess is copied for every element.
        if (
            self.contentparams.get("type") == "text/plain"
            and not self.version.startswith("atom")
            and ("<" in output or "&" in output)  # looks_like_html needs a tag or an entity
            and looks_like_html(output)
        ):
            self.contentparams["type"] = "text/html"
        self.contentparams.pop("base64", None)
        output = fix_text(output)
        if element in ("category", "tags", "itunes_keywords"):
            return output
        if element == "title" and -1 < self.title_depth <= self.depth:
            return output
        if self.inentry and not self.insource:
            self._store_in_entry(element, output)
        elif self.infeed or self.insource:
            self._store_in_context(element, output)
        return output

    def _store_in_entry(self, element: str, output: str) -> None:
        entry = self.entries[-1]
        if element == "content":
            entry.setdefault("content", []).append({**self.contentparams, "value": output})
        elif element == "link":
            if not self.inimage:
                if "&" in output:
                    output = _QUERY_ENTITY.sub(r"&\g<1>", output.replace("&amp;", "&"))
                entry["link"] = output
                if output:
                    entry["links"][-1]["href"] = output
        else:
            if element == "description":
                element = "summary"
            old_depth = self.depths[-1].get(element)
            if old_depth is None or self.depth <= old_depth:
                self.depths[-1][element] = self.depth
                put(entry, element, output)
            if self.incontent:
                put(entry, element + "_detail", {**self.contentparams, "value": output})

    def _store_in_context(self, element: str, output: str) -> None:
        context = self.context()
        if element == "description":
            element = "subtitle"
        put(context, element, output)
        if element == "link":
            output = _QUERY_ENTITY.sub(r"&\g<1>", output) if "&" in output else output
            context["link"] = output
            context["links"][-1]["href"] = output
        elif self.incontent:
            put(context, element + "_detail", {**self.contentparams, "value": output})

    def context(self) -> Context:
        if self.insource:
            return self.sourcedata
        if self.inimage and "image" in self.feed:
            image: Context = self.feed["image"]
            return image
        if self.intextinput:
            textinput: Context = self.feed["textinput"]
            return textinput
        return self.entries[-1] if self.inentry else self.feed

    def save(self, key: str, value: object, *, overwrite: bool = False) -> None:
        context = self.context()
        if overwrite or key not in context:
            put(context, key, value)

    def push_content(
        self, tag: str, attrs: dict[str, str], default_type: str, expecting_text: bool
    ) -> None:
        self.incontent += 1
        content_type = map_content_type(attrs.get("type", default_type))
        self.contentparams = {"type": content_type, "base64": is_base64(attrs, content_type)}
        self.push(tag, expecting_text)

    def pop_content(self, tag: str) -> str | None:
        value = self.pop(tag)
        self.incontent -= 1
        self.contentparams.clear()
        return value

    def sync_author(self, key: str = "author") -> None:
        """Name (email) from the last author's details, or details parsed out of the text."""
        context = self.context()
        detail: Context = context.get(key + "s", [{}])[-1]
        if detail:
            name, email = detail.get("name"), detail.get("email")
            if name and email:
                context[key] = f"{name} ({email})"
            elif name or email:
                context[key] = name or email
            return
        author: str | None = context.get(key)
        if not author:
            return
        found = _EMAIL.search(author)
        email = found.group(0) if found else None
        if email:
            author = author.replace(email, "").replace("()", "").replace("<>", "")
            author = author.replace("&lt;&gt;", "").strip()
            author = author.removeprefix("(") if author.startswith("(") else author
            author = author[:-1] if author.endswith(")") else author
            author = author.strip()
        if author or email:
            context.setdefault(key + "_detail", detail)
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email

    def save_author(self, key: str, value: str | None, prefix: str = "author") -> None:
        context = self.context()
        context.setdefault(prefix + "_detail", {})[key] = value
        self.sync_author()  # feedparser syncs "author" here even for the publisher
        context.setdefault("authors", [{}])[-1][key] = value

    def save_contributor(self, key: str, value: str | None) -> None:
        self.context().setdefault("contributors", [{}])[-1][key] = value
