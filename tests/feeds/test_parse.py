"""Feed parsing: the lxml fast path, its agreement with feedparser, and its fallbacks.

Every document here was written for these tests. ``both`` parses with the fast path, checks that
the fast path took the document, and that feedparser alone gives exactly the same RawFeed.
"""

import calendar
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from feedparser.datetimes import _parse_date
from feedparser.urls import _urljoin
from lxml import etree

from news.feeds import walk
from news.feeds.dates import parse_date
from news.feeds.parse import parse_feed, parse_xml_fast, parse_xml_feedparser
from news.feeds.state import join_uri
from news.feeds.xml import safe_parser
from news.models import ParseError, RawEntry, RawFeed
from tests.conftest import SHARED

URL = "https://feeds.example.org/rights/feed.xml"
RSS_TYPE = {"content-type": "application/rss+xml; charset=utf-8"}


def _headers(headers: dict[str, str] | None) -> dict[str, str]:
    return {**(RSS_TYPE if headers is None else headers), "content-location": URL}


def fast(body: bytes, headers: dict[str, str] | None = None) -> RawFeed | None:
    return parse_xml_fast(body, _headers(headers))


def reference(body: bytes, headers: dict[str, str] | None = None) -> RawFeed:
    return parse_xml_feedparser(body, _headers(headers))


def both(body: bytes, headers: dict[str, str] | None = None) -> RawFeed:
    """The fast path's result, after checking it took the document and feedparser agrees."""
    result = fast(body, headers)
    assert result is not None, "the fast path fell back to feedparser"
    assert result == reference(body, headers)
    return result


def entry(**fields: object) -> RawEntry:
    blank: dict[str, object] = dict.fromkeys(("guid", "link", "published", "updated"))
    return RawEntry(**{**blank, "title": "", "html": "", "authors": (), **fields})  # type: ignore[arg-type]


RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Mekong Rights Monitor</title>
  <link>https://monitor.example.org/</link>
  <description>Land, labour and speech in the Mekong region</description>
  <item>
    <title>Court hears land-rights appeal in Phnom Penh</title>
    <link>https://monitor.example.org/2026/02/land-appeal?ref=rss&amp;lang=en</link>
    <guid isPermaLink="false">monitor-4711</guid>
    <description><![CDATA[<p>The appeal opened on Monday.</p>]]></description>
    <content:encoded><![CDATA[<p>The appeal opened on Monday.</p><p>Families say...</p>]]>
    </content:encoded>
    <dc:creator>Sok Dara</dc:creator>
    <pubDate>Tue, 03 Feb 2026 09:30:00 +0700</pubDate>
  </item>
  <item>
    <title>Union leader released on bail</title>
    <guid>https://monitor.example.org/2026/02/bail</guid>
    <description>Released after &lt;b&gt;six&lt;/b&gt; months.</description>
    <author>desk@monitor.example.org (News Desk)</author>
  </item>
</channel>
</rss>"""


def test_rss2():
    assert both(RSS2) == RawFeed(
        title="Mekong Rights Monitor",
        entries=(
            entry(
                guid="monitor-4711",
                link="https://monitor.example.org/2026/02/land-appeal?ref=rss&lang=en",
                title="Court hears land-rights appeal in Phnom Penh",
                html="<p>The appeal opened on Monday.</p><p>Families say...</p>",
                authors=("Sok Dara",),
                published=datetime(2026, 2, 3, 2, 30, tzinfo=UTC),
            ),
            # A permalink guid stands in for the missing link.
            entry(
                guid="https://monitor.example.org/2026/02/bail",
                link="https://monitor.example.org/2026/02/bail",
                title="Union leader released on bail",
                html="Released after <b>six</b> months.",
                authors=("News Desk",),
            ),
        ),
    )


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Rights Wire</title>
  <link rel="self" href="https://wire.example.org/atom.xml"/>
  <entry>
    <title type="html">Journalists &lt;em&gt;detained&lt;/em&gt; at border</title>
    <link rel="alternate" type="text/html" href="https://wire.example.org/detained"/>
    <link rel="related" href="https://elsewhere.example.org/story"/>
    <id>tag:wire.example.org,2026:detained</id>
    <author><name>Chan Sophea</name><email>sophea@wire.example.org</email></author>
    <summary>Two reporters held.</summary>
    <content type="xhtml">
      <div xmlns="http://www.w3.org/1999/xhtml"><p>Two reporters were <b>held</b>.</p></div>
    </content>
    <published>2026-02-03T08:00:00+07:00</published>
    <updated>2026-02-04T10:15:30Z</updated>
  </entry>
</feed>"""


def test_atom():
    assert both(ATOM, {"content-type": "application/atom+xml"}) == RawFeed(
        title="Rights Wire",
        entries=(
            entry(
                guid="tag:wire.example.org,2026:detained",
                link="https://wire.example.org/detained",
                title="Journalists detained at border",
                html="<p>Two reporters were <b>held</b>.</p>",
                authors=("Chan Sophea",),
                published=datetime(2026, 2, 3, 1, 0, tzinfo=UTC),
                updated=datetime(2026, 2, 4, 10, 15, 30, tzinfo=UTC),
            ),
        ),
    )


RDF = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.org/">
    <title>RDF Rights Digest</title>
    <link>https://rdf.example.org/</link>
  </channel>
  <item rdf:about="https://rdf.example.org/items/1">
    <title>Report on forced evictions</title>
    <link>https://rdf.example.org/items/1</link>
    <description>Findings from three provinces.</description>
    <dc:creator>Field Team</dc:creator>
    <dc:date>2026-01-30T12:00:00Z</dc:date>
  </item>
</rdf:RDF>"""

RSS090 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://my.netscape.com/rdf/simple/0.9/">
  <channel><title>Old Netscape Feed</title><link>https://old.example.org/</link></channel>
  <item><title>First story</title><link>https://old.example.org/1</link></item>
  <item><title>Second story</title><link>https://old.example.org/2</link></item>
</rdf:RDF>"""


def test_rdf():
    assert both(RDF, {"content-type": "application/rdf+xml"}) == RawFeed(
        title="RDF Rights Digest",
        entries=(
            entry(
                guid="https://rdf.example.org/items/1",  # rdf:about
                link="https://rdf.example.org/items/1",
                title="Report on forced evictions",
                html="Findings from three provinces.",
                authors=("Field Team",),
                updated=datetime(2026, 1, 30, 12, 0, tzinfo=UTC),
            ),
        ),
    )


def test_rss090():
    assert both(RSS090, {"content-type": "text/xml; charset=us-ascii"}) == RawFeed(
        title="Old Netscape Feed",
        entries=(
            entry(link="https://old.example.org/1", title="First story"),
            entry(link="https://old.example.org/2", title="Second story"),
        ),
    )


XML_BASE = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example.org/news/">
  <title>Based</title>
  <entry xml:base="archive/2026/">
    <title>Relative to the entry's base</title>
    <link href="story.html"/>
    <id>tag:base.example.org,2026:1</id>
  </entry>
  <entry>
    <title>Relative to the feed's base</title>
    <link href="../about/story.html"/>
    <id>2</id>
  </entry>
</feed>"""

RELATIVE_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Relative</title>
<item><title>Resolved against the document URL</title><link>/2026/02/story</link>
<guid>p/123</guid></item>
</channel></rss>"""


def test_relative_links_follow_xml_base():
    entries = both(XML_BASE, {"content-type": "application/atom+xml"}).entries
    assert [(e.link, e.guid) for e in entries] == [
        ("https://base.example.org/news/archive/2026/story.html", "tag:base.example.org,2026:1"),
        # An Atom id counts as a permalink for feedparser, so it is resolved like a link.
        ("https://base.example.org/about/story.html", "https://base.example.org/news/2"),
    ]


def test_relative_links_resolve_against_the_document_url():
    (item,) = both(RELATIVE_RSS).entries
    assert (item.link, item.guid) == (
        "https://feeds.example.org/2026/02/story",
        "https://feeds.example.org/rights/p/123",
    )


def _dated(value: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>D</title>'
        f"<item><title>x</title><pubDate>{value}</pubDate></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 03 Feb 2026 10:00:00 +0000", datetime(2026, 2, 3, 10, tzinfo=UTC)),
        ("3 Feb 2026 10:00 EST", datetime(2026, 2, 3, 15, tzinfo=UTC)),
        ("Wednesday, 04 Feb 2026 23:59:59 -0530", datetime(2026, 2, 5, 5, 29, 59, tzinfo=UTC)),
        ("2026-02-03T10:00:00Z", datetime(2026, 2, 3, 10, tzinfo=UTC)),
        ("2026-02-03T10:00:00.5+05:30", datetime(2026, 2, 3, 4, 30, tzinfo=UTC)),
        ("2026-02-03", datetime(2026, 2, 3, tzinfo=UTC)),
        ("Tue Feb  3 10:00:00 2026", datetime(2026, 2, 3, 10, tzinfo=UTC)),  # asctime
        ("2026-02-03 10:00:00", datetime(2026, 2, 3, 10, tzinfo=UTC)),  # MSSQL style
        ("Tue, 31 Feb 2026 10:00:00 +0000", None),  # no such day
        ("sometime last week", None),
        ("", None),
    ],
)
def test_dates(value, expected):
    (item,) = both(_dated(value)).entries
    assert item.published == expected


def test_missing_dates_stay_missing():
    (item,) = both(RELATIVE_RSS).entries
    assert (item.published, item.updated) == (None, None)


@pytest.mark.parametrize(
    "value",
    [
        "Tue, 03 Feb 2026 10:00:00 +0000",
        "Sat, 07 Sep 2002 00:00:01 PST",
        "Tue, 3 Feb 2026 24:00:00 GMT",
        "2026-02-03T10:00:00-08:00",
        "2026-02-03T10:00Z",
        "2026-13-03T10:00:00Z",
        "1800-01-01T00:00:00Z",
        "2026-02-03T10:00:00+0530",
        "Tue, 03 Feb 26 10:00:00 +0000",
        "2004-02-28T18:14:55-08:00",
    ],
)
def test_fast_dates_name_the_instant_feedparser_finds(value):
    def instant(value: datetime | time.struct_time | None) -> datetime | None:
        if value is None or isinstance(value, datetime):
            return value
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)

    assert instant(parse_date(value)) == instant(_parse_date(value))


TITLES = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Titles</title>
<item><title>#include &lt;/etc/shadow&gt;</title></item>
<item><title>Activists &lt;b&gt;freed&lt;/b&gt; after &amp;quot;review&amp;quot;</title></item>
<item><title>1 &lt; 2 and 3 &gt; 2</title></item>
<item><title>Fish &amp; chips &amp;amp; rights</title></item>
</channel></rss>"""


def test_titles_that_only_look_like_html_stay_as_they_are():
    titles = [e.title for e in both(TITLES).entries]
    assert titles == [
        "#include </etc/shadow>",  # not an HTML element: plain text, kept
        'Activists freed after "review"',  # HTML by feedparser's rule: reduced to its text
        "1 < 2 and 3 > 2",
        "Fish & chips & rights",  # an entity makes it HTML: &amp; is decoded
    ]


LATIN1_NO_DECLARATION = (
    "<rss version='2.0'><channel><title>Caf\u00e9</title>"
    "<item><title>\u00c9lection \u00e0 huis clos</title></item></channel></rss>"
).encode("latin-1")
WINDOWS_1251 = (
    '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
    "<title>Права</title><item><title>Суд</title></item>"
    "</channel></rss>"
).encode("cp1251")


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param(RSS2 + b"<script>junk after the root</script>", None, id="junk-after-root"),
        pytest.param(RSS2.replace(b"Sok Dara", b"Sok &nbsp; Dara"), None, id="html-entity"),
        pytest.param(RSS2.replace(b"Sok Dara", b"Sok \x02 Dara"), None, id="control-character"),
        pytest.param(RSS2.replace(b"]]>\n    </content:encoded>", b""), None, id="open-cdata"),
        pytest.param(
            WINDOWS_1251.replace(b'encoding="windows-1251"', b""),
            {"content-type": "application/rss+xml; charset=windows-1251"},
            id="legacy-charset-in-header",
        ),
        pytest.param(LATIN1_NO_DECLARATION, {}, id="no-declaration-latin-1"),
        pytest.param(RSS2.decode().encode("utf-16"), None, id="utf-16"),
        pytest.param(
            RSS2.replace(b"Sok Dara", "S\u00f3k D\u00e1ra".encode()),
            {"content-type": "text/xml"},  # RFC 3023: us-ascii, which these bytes are not
            id="text-xml-is-us-ascii",
        ),
        pytest.param(b"<?xml version='1.0'?><opml><body/></opml>", None, id="unknown-root"),
        pytest.param(RSS2.replace(b"<rss", b"<!DOCTYPE rss>\n<rss"), None, id="doctype"),
    ],
)
def test_documents_the_fast_path_is_not_sure_of_go_to_feedparser(body, headers):
    assert fast(body, headers) is None
    try:
        expected: RawFeed | str = reference(body, headers)
    except ParseError as error:
        expected = str(error)
    try:
        actual: RawFeed | str = parse_feed(body, _headers(headers), URL)
    except ParseError as error:
        actual = str(error)
    assert actual == expected


def test_a_legacy_charset_declared_in_the_document_is_read_like_feedparser_does():
    feed = both(WINDOWS_1251, {"content-type": "application/rss+xml"})
    assert (feed.title, feed.entries[0].title) == ("Права", "Суд")


def test_malformed_xml_keeps_feedparsers_recovery_and_warning():
    feed = parse_feed(RSS2 + b"<script>junk</script>", dict(RSS_TYPE), URL)
    assert len(feed.entries) == 2
    assert "SAXParseException" in str(feed.warning)


def test_a_crash_in_the_fast_path_falls_back_to_feedparser(monkeypatch):
    def broken(self, root):
        raise RuntimeError("a bug")

    monkeypatch.setattr(walk.FeedWalker, "walk", broken)
    assert parse_feed(RSS2, dict(RSS_TYPE), URL) == reference(RSS2)


def test_a_crash_in_feedparser_is_that_documents_parse_error(monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("textinput")

    monkeypatch.setattr(feedparser, "parse", broken)
    with pytest.raises(ParseError, match="textinput"):
        parse_feed(RSS2 + b"<junk/>", dict(RSS_TYPE), URL)


LAUGHS = "\n".join(
    ['<!ENTITY lol "lol">']
    + [f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)]
)
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
{LAUGHS}
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Laughs &lol9;</title><description>&lol9;</description></item></channel></rss>
""".encode()


def _external_entities(secret: Path, port: int) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY file SYSTEM "file://{secret}">
<!ENTITY web SYSTEM "http://127.0.0.1:{port}/entity">
<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/dtd"> %remote;
]>
<rss version="2.0"><channel><title>External</title>
<item><title>File &file;</title><description>Web &web;</description></item></channel></rss>
""".encode()


@pytest.fixture
def listener():
    """A loopback port that records whether anything connected to it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


def _no_connection(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return True
    return False


def _all_text(feed: RawFeed) -> str:
    return " ".join([feed.title or ""] + [f"{e.title} {e.html} {e.guid}" for e in feed.entries])


def test_billion_laughs_stay_unexpanded_and_quick():
    started = time.monotonic()
    feed = parse_feed(BILLION_LAUGHS, dict(RSS_TYPE), URL)
    assert time.monotonic() - started < 1
    assert "lollol" not in _all_text(feed)
    assert len(_all_text(feed)) < 200


def test_external_entities_read_no_file_and_open_no_connection(tmp_path, listener):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = _external_entities(secret, listener.getsockname()[1])
    started = time.monotonic()
    feed = parse_feed(body, dict(RSS_TYPE), URL)
    assert time.monotonic() - started < 1
    assert "TOP-SECRET" not in _all_text(feed)
    assert [e.title for e in feed.entries] == ["File &file;"]
    assert _no_connection(listener)


def test_the_fast_paths_parser_itself_expands_and_fetches_nothing(tmp_path, listener):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    root = etree.fromstring(_external_entities(secret, listener.getsockname()[1]), safe_parser())
    assert b"TOP-SECRET" not in etree.tostring(root)
    assert _no_connection(listener)
    with pytest.raises(etree.XMLSyntaxError):  # libxml2 refuses the amplification outright
        etree.fromstring(BILLION_LAUGHS, safe_parser())


EQUIVALENT = {
    "atom-author-inside-rss-item": b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>C</title>
<item><atom:author><atom:name>Ly</atom:name><atom:title>Editor</atom:title></atom:author>
<title>The item's own title</title><link>https://c.example.org/1</link></item>
</channel></rss>""",
    "media-title-before-title": b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>M</title>
<item><media:content url="https://m.example.org/a.jpg"><media:title>Photo</media:title>
<media:description>A long caption of the photo, longer than the item text</media:description>
</media:content><title>Story</title><description>Short text</description></item>
</channel></rss>""",
    "image-inside-item": b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>I</title>
<item><title>Story</title><image><title>Logo &lt;b&gt;x&lt;/b&gt;</title>
<link>https://i.example.org/</link></image><link>https://i.example.org/story</link></item>
</channel></rss>""",
    "source-and-itunes": b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>P</title><itunes:summary>Show notes</itunes:summary><description>Podcast</description>
<item><title>Episode</title><source url="https://src.example.org/rss">Source</source>
<description>Desc</description>
<itunes:summary>A much longer summary of the episode</itunes:summary>
<itunes:author>Host</itunes:author><enclosure url="https://p.example.org/1.mp3"/></item>
</channel></rss>""",
    "mojibake-and-c1-controls": (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>\u00c3\u00a9t\u00c3\u00a9</title>"  # UTF-8 read as Latin-1, feedparser undoes it
        "<item><title>\u0093quoted\u0094 \u00c3\u00a9t\u00c3\u00a9</title></item>"  # C1 as cp1252
        "</channel></rss>"
    ).encode(),
    "atom-03-and-escaped-content": b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
<entry><title mode="escaped" type="text/html">&lt;i&gt;Old&lt;/i&gt;</title>
<link rel="alternate" type="text/html" href="https://a3.example.org/1"/>
<issued>2004-02-28T18:14:55-08:00</issued><modified>2004-02-29T10:00:00Z</modified>
<content type="text/html" mode="escaped">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>""",
    "bom-and-a-utf-16-declaration": (
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel>'
        b"<title>BOM wins</title><item><title>Caf\xc3\xa9</title></item></channel></rss>"
    ),
    "markup-inside-description": b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>X</title><item><title>Raw markup</title>
<description><p>Unescaped <b class="x">markup</b> in RSS</p></description></item>
</channel></rss>""",
}


@pytest.mark.parametrize("name", sorted(EQUIVALENT))
def test_the_fast_path_agrees_with_feedparser(name):
    both(EQUIVALENT[name])


@pytest.mark.parametrize(
    "uri",
    [
        "https://example.org/a/b?c=1&d=2#top",
        "http://example.org",
        "HTTP://Example.org/x",
        "https://example.org/x?",
        "https://example.org/p;params",
        "relative/path",
        "https:////example.org/x",
        "https://[::1/x",
    ],
)
def test_join_uri_is_feedparsers_join(uri):
    for base in (URL, "", "feed.xml"):
        assert join_uri(base, uri) == _urljoin(base, uri)


def test_every_copied_handler_is_one_of_feedparsers():
    assert set(walk.START) <= walk.FEEDPARSER_START
    assert set(walk.END) <= walk.FEEDPARSER_END


CORPUS = SHARED / "corpus" / "feeds"


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared feed corpus not found at {CORPUS}")
def test_the_fast_path_agrees_with_feedparser_on_the_shared_corpus():
    taken = 0
    for path in sorted(CORPUS.rglob("*.*")):
        if path.suffix in (".json", ".md"):
            continue
        body = path.read_bytes()
        try:
            result = fast(body, {})
        except ParseError:
            continue
        if result is not None:
            taken += 1
            assert result == reference(body, {}), path
    assert taken >= 40


def test_a_json_feed_item_with_an_absurd_number_costs_the_feed_nothing():
    # Python refuses to read more than 4,300 digits into an int, and json.loads tried: the
    # whole feed failed to parse.
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
        '{"id": "1", "title": "One", "url": "https://j.example/1",'
        ' "attachments": [{"url": "https://j.example/a.mp3", "size_in_bytes": '
        + "9" * 5000
        + '}]}, {"id": "2", "title": "Two", "url": "https://j.example/2"}]}'
    ).encode()
    feed = parse_feed(body, {"content-type": "application/feed+json"}, "https://j.example/")
    assert [entry.title for entry in feed.entries] == ["One", "Two"]
