"""Feed bytes to RawFeed: RSS, Atom and RDF as feedparser reads them, JSON Feed through ``json``.

Pure and CPU-bound: callers run it in a worker process. feedparser gets bytes plus the response
headers (lower-cased, ``content-location`` = final URL) so HTTP charsets and relative links work.
XML goes first through a fast path (news.feeds.xml: lxml, then feedparser's own rules replayed
over the tree; ~5x less CPU on the benchmark mix) that gives the same RawFeed; whenever it is not
sure (malformed XML, legacy charsets, a DOCTYPE...), feedparser itself parses the document.
"""

import calendar
import io
import json
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from news.feeds.fields import json_authors, text_as_html, xml_authors, xml_body
from news.feeds.state import UnsureError
from news.feeds.xml import parse_fast
from news.fetch.sniff import BodyKind, sniff_body
from news.models import ParseError, RawEntry, RawFeed
from news.text.extract import html_to_text

log = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_SOURCE_NAME, MAX_URL = 200, 2048  # what the store keeps of a <source>: an outlet's name


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> RawFeed:
    """Parse a feed document of any supported format, or raise ParseError."""
    try:
        return _parse_any(body, headers, url)
    except ParseError:
        raise
    except Exception as error:  # one document's crash is that document's error, nothing more
        raise ParseError(f"the parser failed on this document: {_describe(error)}") from None


def _parse_any(body: bytes, headers: dict[str, str], url: str) -> RawFeed:
    kind = sniff_body(body, headers.get("content-type", ""))
    if kind is BodyKind.EMPTY:
        raise ParseError("the server sent an empty body")
    if kind is BodyKind.HTML:
        raise ParseError("an HTML web page, not a feed (is the URL a page rather than its feed?)")
    if kind is BodyKind.JSON:
        return parse_json_feed(body, url)
    return _parse_xml(body, headers, url)


def _parse_xml(body: bytes, headers: dict[str, str], url: str) -> RawFeed:
    headers = {k.lower(): v for k, v in headers.items()}
    headers.setdefault("content-location", url)
    fast = parse_xml_fast(body, headers)
    return fast if fast is not None else parse_xml_feedparser(body, headers)


def parse_xml_fast(body: bytes, headers: dict[str, str]) -> RawFeed | None:
    """The fast path's result, or None when feedparser must decide (``headers`` as above)."""
    try:
        fast = parse_fast(body, headers)
        entries = tuple(_xml_entry(e) for e in fast.entries)
    except UnsureError:
        return None
    except Exception:  # a fast-path bug must cost speed, never the document
        log.warning("fast feed parser failed; feedparser takes over", exc_info=True)
        return None
    return _raw_feed(fast.title, entries, fast.problem, fast.version)


def parse_xml_feedparser(body: bytes, headers: dict[str, str]) -> RawFeed:
    """feedparser alone, the reference (``headers`` lower-cased, with content-location)."""
    # Sanitising and relative-URI rewriting of embedded HTML cost ~70% of feedparser's time and we
    # never show feed HTML: extraction turns it into plain text and resolves the links it keeps.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = tuple(_xml_entry(e) for e in parsed.entries)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    return _raw_feed(parsed.feed.get("title"), entries, problem, parsed.get("version"))


def _raw_feed(title: Any, entries: tuple[RawEntry, ...], problem: Any, version: Any) -> RawFeed:
    # A recoverable problem (junk after the root, an undefined entity) still yields entries:
    # that is a warning. No entries and no feed title means there was nothing to recover.
    if not entries and problem is not None and not title:
        raise ParseError(f"not a readable feed: {_describe(problem)}")
    if not entries and not title and not version:
        raise ParseError("no feed found in the document (no RSS, Atom or RDF root element)")
    warning = _describe(problem) if problem is not None else None
    return RawFeed(title=title, entries=entries, warning=warning)


def _xml_entry(entry: Any) -> RawEntry:
    title = entry.get("title", "") or ""
    if entry.get("title_detail", {}).get("type", "text/plain") != "text/plain":
        title = html_to_text(title)
    return RawEntry(
        guid=_clean(entry.get("id")),
        link=_clean(entry.get("link")),
        title=" ".join(title.split()),
        html=xml_body(entry),
        authors=xml_authors(entry),
        # dict.get, not entry.get: FeedParserDict maps a missing "updated" to "published"
        # with a DeprecationWarning; we want each date only where the feed gave it.
        published=_struct_to_datetime(dict.get(entry, "published_parsed")),
        updated=_struct_to_datetime(dict.get(entry, "updated_parsed")),
        **_source(entry),
    )


def _source(entry: Any) -> dict[str, str | None]:
    """RSS ``<source url="…">Name</source>`` or Atom ``<source>`` (its title and link): the
    outlet an aggregator took the item from."""
    source = entry.get("source")
    if not isinstance(source, dict):
        return {}
    name = source.get("title")
    if isinstance(name, str) and source.get("title_detail", {}).get("type") not in (
        None,
        "text/plain",
    ):
        name = html_to_text(name)
    name = " ".join(name.split())[:MAX_SOURCE_NAME] if isinstance(name, str) else None
    url = _clean(source.get("href") or source.get("link"))
    return {"source": name or None, "source_url": url if url and len(url) <= MAX_URL else None}


def _struct_to_datetime(value: time.struct_time | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):  # the fast path's dates are datetimes
        return value
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = _whole(value.strip())
    return value or None


def _describe(problem: object) -> str:
    name = type(problem).__name__
    text = str(problem).strip() or name
    return text if name in text else f"{name}: {text}"


def parse_json_feed(body: bytes, url: str) -> RawFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org), which feedparser 6 cannot read."""
    try:
        document = json.loads(body, parse_int=_json_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParseError(f"broken JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise ParseError("JSON without an 'items' list: not a JSON Feed")
    entries, skipped = [], 0
    for item in document["items"]:
        try:
            entries.append(_json_entry(item))
        except (TypeError, ValueError, OverflowError):  # this item's problem, not the feed's
            skipped += 1
    return RawFeed(
        title=_clean(document.get("title")),
        entries=tuple(entries),
        warning=f"{skipped} items could not be read" if skipped else None,
    )


def _json_int(digits: str) -> int | float:
    """A JSON integer; past the digits Python reads into an int (4,300 by default), a float
    (infinite): one item's absurd number must not make the whole feed unreadable."""
    try:
        return int(digits)
    except ValueError:
        return float(digits)


def _json_entry(item: object) -> RawEntry:
    if not isinstance(item, dict):
        raise TypeError("an item that is not an object")
    guid = item.get("id")
    html = (
        item.get("content_html")
        or text_as_html(item.get("content_text"))
        or text_as_html(item.get("summary"))  # plain text, when an item has no content
    )
    return RawEntry(
        guid=_whole(str(guid).strip()) or None if guid is not None else None,
        link=_clean(item.get("url")) or _clean(item.get("external_url")),
        title=" ".join((_clean(item.get("title")) or "").split()),
        html=_whole(html) if isinstance(html, str) else "",
        authors=tuple(_whole(name) for name in json_authors(item)),
        published=_iso_datetime(item.get("date_published")),
        updated=_iso_datetime(item.get("date_modified")),
    )


def _whole(text: str) -> str:
    """``text`` with any lone surrogate (a ``\\ud800`` escape JSON allows) as U+FFFD: such a
    string cannot be encoded, stored or sent. json pairs the valid escapes itself."""
    return _SURROGATE.sub("\ufffd", text) if not text.isascii() else text


def _iso_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # "9999-12-31T23:59:59-14:00" is past year 9999 in UTC
        return None
