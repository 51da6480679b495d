"""The fast path for RSS, RDF and Atom: lxml parses, feedparser's rules read the tree.

The parser never expands entities, never loads a DTD and never touches the network, so
"billion laughs" and external entities stay inert (and such documents have a DOCTYPE, which
sends them to feedparser anyway). Anything the fast path is not certain to read exactly as
feedparser would raises UnsureError: malformed XML, legacy charsets, unknown roots.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from news.feeds.prolog import read_prolog
from news.feeds.state import UnsureError
from news.feeds.walk import FeedWalker

# Root element (as feedparser names it) -> the versions that go with it.
_ROOTS = {"rss": ("rss",), "rdf_rdf": ("rss090", "rss10"), "feed": ("atom",)}


@dataclass(frozen=True, slots=True)
class FastFeed:
    """What the pipeline reads of a feedparser result: feed title, entries, problem, version."""

    title: Any
    entries: list[dict[str, Any]]
    problem: Exception | None
    version: str


def safe_parser() -> Any:
    """A strict libxml2 parser that cannot be made to expand, fetch or read anything."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=False,
    )


def parse_fast(body: bytes, headers: Mapping[str, str]) -> FastFeed:
    """Parse with lxml the way feedparser would; ``headers`` lower-cased, with content-location."""
    prolog = read_prolog(body, headers)
    parser = safe_parser()
    try:
        root = etree.fromstring(prolog.data, parser)
    except etree.XMLSyntaxError as error:
        raise UnsureError(f"not well-formed: {error}") from None
    if len(parser.error_log):
        raise UnsureError(f"libxml2 complained: {parser.error_log[0].message}")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnsureError("a DOCTYPE")
    walker = FeedWalker(headers.get("content-location", ""))
    walker.walk(root)
    if not walker.version.startswith(_ROOTS.get(walker.root, ("-",))):
        raise UnsureError(f"root <{walker.root}> with version {walker.version!r}")
    return FastFeed(walker.feed.get("title"), walker.entries, prolog.problem, walker.version)
