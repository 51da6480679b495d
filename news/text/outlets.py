"""Which configured feed an outlet named in a credit line or a ``<source>`` is. Pure.

A BHRRC credit line says "The Phnom Penh Post"; an aggregator's ``<source>`` says "Khmer
Times" and links its site. Readers weigh a source by its type, and the type lives in the
config: the outlet is matched to a configured feed by its name, else by its web host.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from news.topics.khmer import matching_key

# What follows an outlet's own name in a feed's: "BHRRC — Cambodia", "Post | Politics",
# "CamboJA News (ខ្មែរ)". A hyphen needs spaces round it: "Al-Monitor" is one name.
_QUALIFIER = re.compile(r"\s+[|–—-]\s+.*$|\s*[(\[].*[)\]]\s*$|\s*:\s+.*$")
_NOT_WORD = re.compile(r"[^\w]+")
_LEADING_THE = re.compile(r"^the\s+")


def outlet_key(name: str) -> str:
    """``name`` folded for comparison: no qualifier, case, "the", "&" or punctuation."""
    name = unicodedata.normalize("NFKC", name).strip()
    bare = _QUALIFIER.sub("", name) or name
    folded = matching_key(bare).casefold().replace("&", " and ")
    return _LEADING_THE.sub("", " ".join(_NOT_WORD.sub(" ", folded).split()))


def host_key(url: str | None) -> str | None:
    """The web host of ``url`` without "www.", or None when it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def same_host(one: str | None, other: str | None) -> bool:
    """The same site: equal hosts, or one a subdomain of the other (feeds.x.org, x.org)."""
    if not one or not other:
        return False
    return one == other or one.endswith("." + other) or other.endswith("." + one)


def same_outlet(
    name: str | None, url: str | None, outlet_name: str, outlet_url: str | None
) -> bool:
    """True when the outlet credited as ``name`` (at ``url``) is the one named ``outlet_name``."""
    if name and (key := outlet_key(name)) and key == outlet_key(outlet_name):
        return True
    return same_host(host_key(url), host_key(outlet_url))


@dataclass(frozen=True, slots=True)
class Outlet:
    """A configured feed as an outlet: its name, URL and source type."""

    name: str
    url: str
    source_type: str


class OutletTypes:
    """Source types of the configured feeds, looked up by an outlet's name or host."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        by_name: dict[str, set[str]] = {}
        by_host: dict[str, set[str]] = {}
        for outlet in outlets:
            by_name.setdefault(outlet_key(outlet.name), set()).add(outlet.source_type)
            if host := host_key(outlet.url):
                by_host.setdefault(host, set()).add(outlet.source_type)
        # Two feeds of one name or host with different types say nothing: no label.
        self._by_name = {k: types.pop() for k, types in by_name.items() if len(types) == 1}
        self._by_host = {k: types.pop() for k, types in by_host.items() if len(types) == 1}

    def type_of(self, name: str | None, url: str | None = None) -> str | None:
        """The type of the feed named ``name``, else of the one on ``url``'s site, or None."""
        if name and (found := self._by_name.get(outlet_key(name))):
            return found
        host = host_key(url)
        while host:
            if found := self._by_host.get(host):
                return found
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return None
