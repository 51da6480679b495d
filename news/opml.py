"""Feed lists in and out: OPML read with listparser, written with ElementTree; the config
file edited with tomlkit, its comments and layout kept. Pure: text in, text out.

OPML names a feed and its URL, not what the project needs beyond that (its source type, its
language): those come from the caller, and the imported block says they need checking.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

import listparser
import tomlkit

from news.config import FeedConfig


@dataclass(frozen=True, slots=True)
class ListedFeed:
    """A feed an OPML file lists."""

    name: str
    url: str


class OpmlError(ValueError):
    """The file is no feed list we can read."""


def read_opml(document: bytes) -> list[ListedFeed]:
    """The feeds an OPML (or other feed list listparser knows) names, in order, each once.

    Bytes only: given a string that looks like a URL, listparser would fetch it."""
    parsed = listparser.parse(document)
    seen: set[str] = set()
    feeds: list[ListedFeed] = []
    for entry in parsed.feeds:
        url = str(entry.get("url") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = " ".join(str(entry.get("title") or "").split())
        feeds.append(ListedFeed(title[:200] or urlsplit(url).hostname or url, url))
    if not feeds:
        raise OpmlError("it lists no feeds (an OPML file names each as <outline xmlUrl=...>)")
    return feeds


def write_opml(feeds: Sequence[FeedConfig], *, title: str = "Rights Digest feeds") -> str:
    """OPML 2.0 for the configured feeds; type and language ride along as attributes."""
    root = ElementTree.Element("opml", version="2.0")
    ElementTree.SubElement(ElementTree.SubElement(root, "head"), "title").text = title
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        ElementTree.SubElement(
            body,
            "outline",
            type="rss",
            text=feed.name,
            title=feed.name,
            xmlUrl=feed.url,
            language=feed.language,
            category=feed.type,
        )
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, "unicode")


@dataclass(frozen=True, slots=True)
class Merge:
    """The config text with the new feeds, and what was left out and why."""

    text: str
    added: tuple[ListedFeed, ...]
    skipped: tuple[tuple[ListedFeed, str], ...]


def add_feeds(
    config_text: str,
    feeds: Iterable[ListedFeed],
    *,
    source_type: str,
    language: str,
    note: str,
) -> Merge:
    """Append ``[[feeds]]`` tables for the feeds whose URL the config lacks; a name already
    taken gets a number. ``note`` heads the block as a comment. The result is not validated
    here: the caller parses it as it would any config."""
    document = tomlkit.parse(config_text)
    tables = document.get("feeds")
    if tables is None or (isinstance(tables, list) and not tables):
        tables = document["feeds"] = tomlkit.aot()
    if not isinstance(tables, tomlkit.items.AoT):
        raise OpmlError("the config's feeds are an inline array; write them as [[feeds]] tables")
    urls = {str(t.get("url")) for t in tables}
    names = {str(t.get("name")) for t in tables}
    added: list[ListedFeed] = []
    skipped: list[tuple[ListedFeed, str]] = []
    for feed in feeds:
        if feed.url in urls:
            skipped.append((feed, "already in the config"))
            continue
        name = _free_name(feed.name, names)
        urls.add(feed.url)
        names.add(name)
        if not added and len(tables):
            tables[-1].add(tomlkit.nl())  # a blank line before the imported block
        table = tomlkit.table()
        if not added:
            table.add(tomlkit.comment(note))
        for key, value in (("name", name), ("url", feed.url), ("type", source_type)):
            table.add(key, value)
        table.add("language", language)
        table.add(tomlkit.nl())
        tables.append(table)
        added.append(ListedFeed(name, feed.url))
    return Merge(tomlkit.dumps(document), tuple(added), tuple(skipped))


def _free_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate
