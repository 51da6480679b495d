"""What a reader gets from a feed's fields: declared content types, every author, no hidden text.

Every document here was written for these tests. Each XML one goes through both parsers, the
fast path and feedparser alone, which must agree; what extraction then reads of the body
(``html_to_text``) is what a reader would read.
"""

import base64
from datetime import UTC, datetime

import pytest

from news.feeds.normalise import normalise_feed
from news.feeds.parse import parse_json_feed, parse_xml_fast, parse_xml_feedparser
from news.models import AUTHOR_SEPARATOR, FeedContext, RawEntry, RawFeed, author_names
from news.text.extract import html_to_text
from news.topics.config import TermGroup, TopicConfig
from news.topics.match import compile_topics

URL = "https://feeds.example.org/rights/feed.xml"
HEADERS = {"content-type": "application/xml; charset=utf-8", "content-location": URL}
BLINK = "History of the <blink> tag"


def both_paths(body: bytes) -> RawEntry:
    """The document's one entry, after checking that both parsers read it the same."""
    fast = parse_xml_fast(body, dict(HEADERS))
    assert fast is not None, "the fast path fell back to feedparser"
    assert fast == parse_xml_feedparser(body, dict(HEADERS))
    (entry,) = fast.entries
    return entry


def atom(entry: str, *, version: str = "1.0") -> bytes:
    namespace = "http://www.w3.org/2005/Atom" if version == "1.0" else "http://purl.org/atom/ns#"
    declared = "" if version == "1.0" else f' version="{version}"'
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{namespace}"{declared}>'
        f"<title>Rights Wire</title><entry><id>tag:wire.example.org,2026:1</id>{entry}"
        "</entry></feed>"
    ).encode()


def rss(item: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        f"<channel><title>Monitor</title><item><guid>m-1</guid>{item}</item></channel></rss>"
    ).encode()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Each body says, as a reader would read it, "History of the <blink> tag".
BODIES = {
    "atom-text-content": atom('<content type="text">History of the &lt;blink&gt; tag</content>'),
    "atom-text-summary": atom("<summary>History of the &lt;blink&gt; tag</summary>"),
    "atom-html-content": atom(
        '<content type="html">&lt;p&gt;History of the &amp;lt;blink&amp;gt; tag&lt;/p&gt;'
        "</content>"
    ),
    "atom-xhtml-content": atom(
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>History of the <b>&lt;blink&gt;</b> tag</p></div></content>"
    ),
    "atom-text-mime-type": atom(
        '<content type="text/plain">History of the &lt;blink&gt; tag</content>'
    ),
    "atom-html-mime-type": atom(
        '<content type="text/html">&lt;p&gt;History of the &amp;lt;blink&amp;gt; tag</content>'
    ),
    "atom03-base64-html": atom(
        f'<content type="text/html" mode="base64">{b64("<p>History of the &lt;blink&gt; tag")}'
        "</content>",
        version="0.3",
    ),
    "atom03-base64-text": atom(
        f'<content type="text/plain" mode="base64">{b64(BLINK)}</content>', version="0.3"
    ),
    "atom03-escaped-html": atom(
        '<content type="text/html" mode="escaped">&lt;p&gt;History of the &amp;lt;blink&amp;gt;'
        " tag&lt;/p&gt;</content>",
        version="0.3",
    ),
    # An image is not text: the summary is what there is to read, however long the image.
    "atom-binary-content": atom(
        f'<summary type="text">History of the &lt;blink&gt; tag</summary>'
        f'<content type="image/png">{b64("x" * 200)}</content>'
    ),
    "rss-description": rss(
        "<description>&lt;p&gt;History of the &amp;lt;blink&amp;gt; tag&lt;/p&gt;</description>"
    ),
    "rss-content-encoded": rss(
        "<description>Short</description><content:encoded><![CDATA[<p>History of the "
        "&lt;blink&gt; tag</p>]]></content:encoded>"
    ),
    # RSS does not say what its text is: feedparser guesses from the markup.
    "rss-itunes-summary-guessed-html": rss(
        "<itunes:summary>History of the <![CDATA[<b>&lt;blink&gt;</b>]]> tag</itunes:summary>"
    ),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_a_body_is_read_as_its_declared_type_on_both_paths(name):
    assert html_to_text(both_paths(BODIES[name]).html) == BLINK


def test_escaped_markup_in_plain_text_is_unescaped_once():
    body = atom('<content type="text">Use &amp;lt;b&amp;gt; for bold &amp;amp; more</content>')
    assert html_to_text(both_paths(body).html) == "Use &lt;b&gt; for bold &amp; more"


def test_plain_text_keeps_its_line_breaks():
    body = atom('<content type="text">First line &lt;a&gt;\nSecond line</content>')
    assert html_to_text(both_paths(body).html) == "First line <a>\nSecond line"


TITLES = {
    "atom-text": ('<title type="text">History of the &lt;blink&gt; tag</title>', BLINK),
    "atom-default": (
        "<title>1 &lt; 2 &amp;amp; &lt;b&gt;bold&lt;/b&gt;</title>",
        "1 < 2 &amp; <b>bold</b>",
    ),
    "atom-html": (
        '<title type="html">History of the &amp;lt;blink&amp;gt; &lt;b&gt;tag&lt;/b&gt;</title>',
        BLINK,
    ),
    "atom-xhtml": (
        '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">History of the'
        " <b>&lt;blink&gt;</b> tag</div></title>",
        BLINK,
    ),
}


@pytest.mark.parametrize("name", sorted(TITLES))
def test_an_atom_title_is_read_as_its_declared_type_on_both_paths(name):
    element, expected = TITLES[name]
    assert both_paths(atom(element)).title == expected


AUTHORS = {
    "rss-dublin-core-creators": (
        rss(
            "<title>t</title><dc:creator>Sok Dara</dc:creator><dc:creator>Chan Sophea"
            "</dc:creator><dc:creator>Ly Na</dc:creator><dc:creator>Sok Dara</dc:creator>"
        ),
        ("Sok Dara", "Chan Sophea", "Ly Na", "Sok Dara"),  # normalising drops the repeat
    ),
    "rss-author-email-and-name": (
        rss(
            "<title>t</title><author>jane@example.org (Jane Doe)</author>"
            "<dc:creator>Chan Sophea</dc:creator>"
        ),
        ("Jane Doe", "Chan Sophea"),
    ),
    "rss-author-email-only": (rss("<title>t</title><author>desk@example.org</author>"), ()),
    "rss-markup-and-entities": (
        rss(
            '<title>t</title><dc:creator><![CDATA[<a href="/by/ly">Ly  Na</a>]]></dc:creator>'
            "<dc:creator>O&amp;#8217;Brien &amp;amp; Partners</dc:creator>"
            "<dc:creator>\n   Sok\n\t Dara  </dc:creator>"
        ),
        ("Ly Na", "O\u2019Brien & Partners", "Sok Dara"),
    ),
    "rss-itunes-author": (
        rss("<title>t</title><itunes:author>Host Name</itunes:author>"),
        ("Host Name",),
    ),
    "atom-authors": (
        atom(
            "<title>t</title><author><name>Chan Sophea</name><email>s@wire.example.org</email>"
            "</author><author><name>Sok &amp;amp; Dara</name></author>"
            "<author><email>desk@wire.example.org</email></author>"
        ),
        # feedparser gives the e-mail-only author the previous one's name: a repeat.
        ("Chan Sophea", "Sok & Dara", "Sok & Dara"),
    ),
}


@pytest.mark.parametrize("name", sorted(AUTHORS))
def test_every_author_is_read_on_both_paths(name):
    body, expected = AUTHORS[name]
    assert both_paths(body).authors == expected


def json_feed(item: str) -> bytes:
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1",'
        f' "title": "t", {item}}}]}}'
    ).encode()


@pytest.mark.parametrize(
    ("item", "text"),
    [
        pytest.param('"content_text": "History of the <blink> tag"', BLINK, id="content_text"),
        pytest.param(
            '"content_html": "<p>History of the &lt;blink&gt; tag</p>"', BLINK, id="content_html"
        ),
        pytest.param(
            '"content_text": "&lt;b&gt; stays", "content_html": "<p>&lt;b&gt; goes</p>"',
            "<b> goes",
            id="html-preferred",
        ),
        pytest.param('"summary": "History of the <blink> tag"', BLINK, id="summary-only"),
    ],
)
def test_json_feed_text_and_html(item, text):
    (entry,) = parse_json_feed(json_feed(item), URL).entries
    assert html_to_text(entry.html) == text


@pytest.mark.parametrize(
    ("item", "authors"),
    [
        pytest.param(
            '"authors": [{"name": "Sok Dara"}, {"url": "https://x.example"},'
            ' {"name": "Ly &amp; Na"}]',
            ("Sok Dara", "Ly & Na"),
            id="authors",
        ),
        pytest.param('"author": {"name": "jane@example.org (Jane Doe)"}', ("Jane Doe",), id="1.0"),
        pytest.param('"authors": "Sok Dara"', (), id="not-a-list"),
    ],
)
def test_json_feed_authors(item, authors):
    (entry,) = parse_json_feed(json_feed(item), URL).entries
    assert entry.authors == authors


# Normalised: what is stored and shown.
TOPICS = compile_topics(
    [
        TopicConfig(
            slug="land",
            title="Land rights",
            description="d",
            any_of=TermGroup(terms=("land rights",)),
        )
    ]
)
FEED = FeedContext(URL, "Monitor", "independent media", "en")
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def normalised(**fields: object):
    raw = RawEntry(
        **{
            "guid": "g-1",
            "link": "https://monitor.example.org/1",
            "title": "Land rights court ruling",
            "html": "<p>The court ruled on land rights today. It was a long hearing.</p>",
            "authors": (),
            "published": None,
            "updated": None,
            **fields,
        }  # type: ignore[arg-type]
    )
    (entry,) = normalise_feed(RawFeed("Monitor", (raw,)), FEED, TOPICS, NOW).entries
    return entry


def test_authors_are_credited_once_each_in_order_at_most_four_kept():
    entry = normalised(
        authors=("Sok Dara", "Chan Sophea", "SOK DARA", "Ly Na", "Kem Sok", "Extra")
    )
    assert author_names(entry.author) == ("Sok Dara", "Chan Sophea", "Ly Na", "Kem Sok")


def test_long_names_are_cut_so_that_every_kept_name_fits_the_column():
    entry = normalised(authors=tuple(f"Name{i} " + "word " * 80 for i in range(6)))
    names = author_names(entry.author)
    assert len(names) == 4
    assert all(name.startswith(f"Name{i} ") and name.endswith("…") for i, name in enumerate(names))
    assert len(entry.author) <= 300
    assert len(normalised(authors=("word " * 80,)).author) <= 120


def test_a_credit_lines_authors_are_credited_before_the_feeds():
    entry = normalised(
        html="<p>Author: Dara Mech, Sok Chea, The Phnom Penh Post, Published on: 8 December 2026"
        "</p><p>The court ruled on land rights today.</p>",
        authors=("Feed Editor",),
    )
    assert (author_names(entry.author), entry.publisher) == (
        ("Dara Mech", "Sok Chea"),
        "The Phnom Penh Post",
    )


HOSTILE = "\u202eLand\u2066 rights\u2069\u200b \x00court\x07\u0085ruling\ufeff\u2028today\x1b[31m"


def test_hidden_characters_are_removed_from_every_field_shown():
    entry = normalised(
        title=HOSTILE,
        html=f"<p>{HOSTILE}. The court ruled on land\u202d rights\u202c.</p>"
        "<p>Author: Dara\u202e Mech\u200b, The\u2067 Post\u2069, Published on: 8 December"
        " 2026</p>",
        authors=("x",),
    )
    shown = [entry.title, entry.summary, entry.text, entry.author or "", entry.publisher or ""]
    hidden = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff\u2028\u0085"
    assert [
        c for field in shown for c in field if c in hidden or (ord(c) < 32 and c not in "\n\t")
    ] == []
    assert entry.title == "Land rights court ruling today[31m"
    assert (entry.author, entry.publisher) == ("Dara Mech", "The Post")


def test_a_khmer_word_break_is_kept_and_a_stray_one_dropped():
    khmer = "សិទ្ធិ\u200bដីធ្លី"  # "land rights": a ZWSP between two Khmer words
    entry = normalised(
        title=f"Land rights\u200b {khmer}\u200b", html="<p>The land rights case.</p>"
    )
    assert entry.title == f"Land rights {khmer}"


def test_a_name_that_is_only_hidden_characters_is_no_author():
    assert normalised(authors=("\u200b\u202e", " ")).author is None


def test_several_authors_share_the_author_field():
    assert normalised(authors=("A", "B")).author == f"A{AUTHOR_SEPARATOR}B"
