"""RSS and Atom ``<source>``: the outlet an aggregator took an item from, read on both parser
paths (the lxml fast path and feedparser alone) and credited as the item's publisher.

Every document here was written for these tests; the outlets are invented.
"""

from datetime import UTC, datetime

from news.feeds.normalise import normalise_feed
from news.feeds.parse import parse_xml_fast, parse_xml_feedparser
from news.models import FeedContext, RawFeed

URL = "https://relay.example/feed.xml"
HEADERS = {"content-type": "application/xml; charset=utf-8", "content-location": URL}
NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Mekong Relay</title>
  <link>https://relay.example/</link>
  <description>Stories from around the region</description>
  <item>
    <title>Garment unions march on the ministry</title>
    <link>https://www.khmerdaily.example/2026/11/unions-march</link>
    <guid isPermaLink="false">relay-1</guid>
    <pubDate>Tue, 24 Nov 2026 03:00:00 +0000</pubDate>
    <source url="https://www.khmerdaily.example/feed/">Khmer Daily</source>
    <description>Hundreds of garment workers marched on Tuesday.</description>
  </item>
  <item>
    <title>Court hearing postponed again</title>
    <link>https://relay.example/court</link>
    <source>  Kampuchea
      Weekly </source>
  </item>
  <item>
    <title>No source here</title>
    <link>https://relay.example/plain</link>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Mekong Relay</title>
  <id>urn:uuid:5a1e7d2c-0000-4000-8000-000000000001</id>
  <updated>2026-11-24T03:00:00Z</updated>
  <entry>
    <title>Land rights activists released on bail</title>
    <id>urn:uuid:5a1e7d2c-0000-4000-8000-000000000002</id>
    <link href="https://www.khmerdaily.example/2026/11/bail"/>
    <updated>2026-11-24T03:00:00Z</updated>
    <source>
      <id>https://www.khmerdaily.example/</id>
      <title>Khmer Daily</title>
      <link rel="alternate" href="https://www.khmerdaily.example/"/>
      <updated>2026-11-24T02:00:00Z</updated>
    </source>
    <summary>Two activists were released on bail on Tuesday.</summary>
  </entry>
</feed>
"""


def both(body: bytes) -> RawFeed:
    """The fast path's result, after checking it took the document and feedparser agrees."""
    fast = parse_xml_fast(body, HEADERS)
    assert fast is not None, "the fast path fell back to feedparser"
    assert fast == parse_xml_feedparser(body, HEADERS)
    return fast


def test_rss_source_names_the_outlet_and_its_feed_on_both_paths():
    marched, postponed, plain = both(RSS).entries
    assert (marched.title, marched.source, marched.source_url) == (
        "Garment unions march on the ministry",  # the item's own title, not the source's
        "Khmer Daily",
        "https://www.khmerdaily.example/feed/",
    )
    assert (postponed.source, postponed.source_url) == ("Kampuchea Weekly", None)
    assert (plain.source, plain.source_url) == (None, None)


def test_atom_source_gives_its_title_and_link_on_both_paths():
    [bail] = both(ATOM).entries
    assert (bail.title, bail.source, bail.source_url) == (
        "Land rights activists released on bail",
        "Khmer Daily",
        "https://www.khmerdaily.example/",
    )
    assert bail.updated == datetime(2026, 11, 24, 3, tzinfo=UTC)  # the entry's, not the source's


def test_a_source_is_credited_as_the_publisher_with_the_items_own_date():
    feed = FeedContext(URL, "Mekong Relay", "aggregator", "en")
    marched, _, plain = normalise_feed(both(RSS), feed, [], NOW).entries
    assert (marched.publisher, marched.publisher_url) == (
        "Khmer Daily",
        "https://www.khmerdaily.example/feed/",
    )
    # The outlet's own date, carried along with its item: not a relay's date.
    assert (marched.published, marched.date_is_relayed) == (
        datetime(2026, 11, 24, 3, tzinfo=UTC),
        False,
    )
    assert (plain.publisher, plain.publisher_url) == (None, None)


def test_a_hostile_source_is_capped_to_what_the_store_keeps():
    name, url = "Outlet " * 100, "https://x.example/" + "a" * 3000
    body = RSS.replace(b">Khmer Daily<", f">{name}<".encode()).replace(
        b"https://www.khmerdaily.example/feed/", url.encode()
    )
    marched = both(body).entries[0]
    assert (len(marched.source or ""), marched.source_url) == (200, None)
