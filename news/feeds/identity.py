"""Stable identity for feed items, so an item is stored once however the feed misbehaves.

Rules, from what real feeds do (see the corpus notes):
- a GUID that is unique in the document is the identity;
- a GUID repeated inside one document is qualified by the item's link (or title and text), for
  every occurrence, so the key does not depend on the order of items;
- no GUID: the canonical link; no link either: title and the start of the text.
Each item also gets a ``link_key`` (when its link is unique in the document): a second,
GUID-independent identity that catches feeds whose GUIDs change on every fetch.
"""

import hashlib
from collections import Counter
from collections.abc import Sequence

from news.models import RawEntry
from news.text.urls import is_http_url, url_key


def digest(*parts: str) -> str:
    """A hex SHA-256 over ``parts``, unambiguous about where one part ends."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def assign_keys(entries: Sequence[RawEntry]) -> list[tuple[str, str | None]]:
    """(identity key, link key or None) for each entry, in order."""
    guids = Counter(e.guid for e in entries if e.guid)
    links = [_link_of(e) for e in entries]
    link_counts = Counter(link for link in links if link)
    keys = []
    for entry, link in zip(entries, links, strict=True):
        link_is_unique = link is not None and link_counts[link] == 1
        keys.append(
            (
                _entry_key(entry, link, guids, link_is_unique),
                digest("l", link) if link_is_unique and link else None,
            )
        )
    return keys


def _entry_key(
    entry: RawEntry, link: str | None, guids: Counter[str], link_is_unique: bool
) -> str:
    fallback = ("t", entry.title, entry.html[:2000])
    if entry.guid and guids[entry.guid] == 1:
        return digest("g", entry.guid)
    if entry.guid:
        return digest("g", entry.guid, *(("l", link) if link else fallback))
    if link and link_is_unique:
        return digest("l", link)
    if link:
        return digest("l", link, "t", entry.title)
    return digest(*fallback)


def _link_of(entry: RawEntry) -> str | None:
    return url_key(entry.link) if entry.link and is_http_url(entry.link) else None
