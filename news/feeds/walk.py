"""Replaying a parsed lxml tree as the SAX events feedparser's strict parser would have seen.

Each element start and end goes through feedparser's own steps (``startElementNS``, then
``unknown_starttag``: names by namespace, xml:base, inline XHTML, the handler or the generic
element), copied from feedparser 6 ``parsers/strict.py`` and ``mixin.py``.
"""

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from feedparser.api import StrictFeedParser
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from news.feeds.media import MediaHandlers
from news.feeds.state import XHTML, UnsureError, join_uri, put

Handler = Callable[..., None]
MATCH_NS: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
XLINK = "http://www.w3.org/1999/xlink"
USERLAND = "http://backend.userland.com/rss"
# Every handler feedparser has: a name here that this module does not copy means "not sure".
FEEDPARSER_START = frozenset(n[7:] for n in dir(StrictFeedParser) if n.startswith("_start_"))
FEEDPARSER_END = frozenset(n[5:] for n in dir(StrictFeedParser) if n.startswith("_end_"))
KEEPS_TEXTINPUT = frozenset({"title", "link", "description", "name"})
KEEPS_IMAGE = frozenset({"title", "link", "description", "url", "href", "width", "height"})
EVENTS = ("start", "end", "start-ns", "comment", "pi")


def _handlers(prefix: str) -> dict[str, Handler]:
    return {
        name[len(prefix) :]: getattr(MediaHandlers, name)
        for name in dir(MediaHandlers)
        if name.startswith(prefix)
    }


START: dict[str, Handler] = _handlers("_start_")
END: dict[str, Handler] = _handlers("_end_")


def strattrs(attrs: list[tuple[str, str]]) -> str:
    return "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in attrs)


class FeedWalker(MediaHandlers):
    """feedparser's strict parser, fed from an lxml tree instead of expat."""

    def __init__(self, baseuri: str) -> None:
        super().__init__(baseuri)
        self.basestack: list[str] = []
        self.namespacemap: dict[str | None, str] = {}
        self.namespaces_in_use: dict[str, str] = {}
        self.decls: dict[str, str] = {}
        self.inline: list[bool] = []  # per open element: written out as XHTML data?
        self.root = ""
        self._names: dict[str, tuple[str, str, bool]] = {}
        self._joins: dict[tuple[str, str], str] = {}

    def walk(self, root: Any) -> None:
        """Replay the tree; where feedparser's bookkeeping would break, feedparser must decide."""
        try:
            self._walk(root)
        except (LookupError, AttributeError, TypeError, ValueError) as error:
            raise UnsureError(f"feedparser's bookkeeping breaks here: {error!r}") from None

    def _walk(self, root: Any) -> None:
        start, end, data = self.start, self.end, self.handle_data
        for event, node in etree.iterwalk(root, events=EVENTS):
            if event == "start":
                start(node)
                if node.text:
                    data(node.text)
            elif event == "end":
                end(node)
                if node.tail:
                    data(node.tail)
            elif event == "start-ns":
                self.start_ns(*node)
            elif node.tail:  # a comment or processing instruction: only its tail is text
                data(node.tail)

    def start_ns(self, prefix: str, uri: str) -> None:
        if not uri:
            return
        self.track_namespace(prefix or None, uri)
        if prefix and uri == XLINK:
            self.decls["xmlns:" + prefix] = uri

    def track_namespace(self, prefix: str | None, uri: str) -> None:
        self._names.clear()
        lower = uri.lower()
        if not self.version:
            if prefix is None and lower == "http://my.netscape.com/rdf/simple/0.9/":
                self.version = "rss090"
            elif lower == "http://purl.org/rss/1.0/":
                self.version = "rss10"
            elif lower == "http://www.w3.org/2005/atom":
                self.version = "atom10"
        if "backend.userland.com/rss" in lower:
            uri = lower = USERLAND
        if lower in MATCH_NS:
            self.namespacemap[prefix] = MATCH_NS[lower]
            self.namespaces_in_use[MATCH_NS[lower]] = uri
        else:
            self.namespaces_in_use[prefix or ""] = uri

    def names(self, clark: str) -> tuple[str, str, bool]:
        """(feedparser's tag, its handler name, whether it has no namespace prefix)."""
        known = self._names.get(clark)
        if known is None:
            known = self._names[clark] = self._name(clark)
        return known

    def _name(self, clark: str) -> tuple[str, str, bool]:
        namespace, _, local = clark[1:].rpartition("}") if clark[0] == "{" else ("", "", clark)
        if "backend.userland.com/rss" in namespace.lower():
            namespace = USERLAND
        prefix = MATCH_NS.get(namespace.lower())
        tag = local.lower()
        if prefix:
            tag = prefix.lower() + ":" + tag
        elif namespace:
            for name, value in self.namespaces_in_use.items():
                if name and value == namespace:
                    tag = name + ":" + tag
                    break
        tag = tag.lower()
        prefix, colon, suffix = tag.partition(":")
        if not colon:
            prefix, suffix = "", tag
        prefix = self.namespacemap.get(prefix, prefix)
        return tag, f"{prefix}_{suffix}" if prefix else suffix, not prefix

    def attributes(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        found: dict[str, str] = self.decls
        self.decls = {}
        for key, value in items:
            if key[0] == "{":
                namespace, _, local = key[1:].rpartition("}")
                prefix = MATCH_NS.get(namespace.lower(), "")
                key = f"{prefix}:{local}" if prefix else local
            found[key.lower()] = value
        return [(k, v.lower() if k in ("rel", "type") else v) for k, v in found.items()]

    def start(self, node: Any) -> None:
        tag, name, bare = self._names.get(node.tag) or self.names(node.tag)
        self.depth += 1
        if not self.root:
            self.root = name
        items = node.items()
        attrs = self.attributes(items) if items or self.decls else []
        attrs_d = dict(attrs)
        self._push_base(attrs_d.get("xml:base", attrs_d.get("base")) if attrs else None)
        if self.incontent and self._inline_start(tag, attrs):
            self.inline.append(True)
            return
        self.inline.append(False)
        if bare:
            if tag not in KEEPS_TEXTINPUT:
                self.intextinput = False
            if tag not in KEEPS_IMAGE:
                self.inimage = False
        handler = START.get(name)
        if handler is not None:
            handler(self, attrs_d)
        elif name in FEEDPARSER_START:
            raise UnsureError(f"feedparser has a handler for <{tag}> that is not copied here")
        elif attrs_d:
            put(self.context(), name, attrs_d)
        else:
            self.stack.append((name, True, []))

    def _inline_start(self, tag: str, attrs: list[tuple[str, str]]) -> bool:
        """Markup inside a text construct is written out as XHTML, as feedparser does."""
        if not self.contentparams.get("type", "xml").endswith("xml"):
            if tag in ("xhtml:div", "div"):
                raise UnsureError("a <div> in escaped content (feedparser loses count of depth)")
            if self.version == "atom10" and any(p.strip() for p in self.stack[-1][2]):
                raise UnsureError("text before markup in escaped Atom content")
            self.contentparams["type"] = XHTML
        if self.contentparams.get("type") != XHTML:
            return False
        local = tag.partition(":")[2] or tag
        if local in ("svg", "math"):
            raise UnsureError("SVG or MathML inside content")
        self.handle_data(f"<{local}{strattrs(attrs)}>", escaped=False)
        return True

    def end(self, node: Any) -> None:
        tag, name, _ = self._names.get(node.tag) or self.names(node.tag)
        if self.inline.pop() and name in FEEDPARSER_END:
            raise UnsureError(f"<{tag}> inside content would end a feedparser element")
        handler = END.get(name)
        if handler is not None:
            handler(self)
        elif name in FEEDPARSER_END:
            raise UnsureError(f"feedparser has a handler for </{tag}> that is not copied here")
        else:
            self.pop(name)
        if self.incontent:
            self._inline_end(tag)
        basestack = self.basestack
        basestack.pop()
        if basestack and basestack[-1]:
            self.baseuri = basestack[-1]
        self.depth -= 1

    def _inline_end(self, tag: str) -> None:
        if not self.contentparams.get("type", "xml").endswith("xml"):
            if tag in ("xhtml:div", "div"):
                raise UnsureError("a <div> in escaped content (feedparser loses count of depth)")
            self.contentparams["type"] = XHTML
        if self.contentparams.get("type") == XHTML:
            self.handle_data(f"</{tag.split(':')[-1]}>", escaped=False)

    def _push_base(self, attribute: str | None) -> None:
        """The element's base URI: feedparser's, from xml:base (or base) and the parent's."""
        current = self.baseuri
        base = attribute or current
        joined = self._joins.get((current, base))
        if joined is None:
            if current:
                joined = make_safe_absolute_uri(current, base) or current
            else:
                joined = _urljoin(current, base)
            self._joins[(current, base)] = joined
        self.baseuri = joined
        self.basestack.append(joined)

    def resolve_uri(self, uri: str) -> str:
        return join_uri(self.baseuri or "", uri)
