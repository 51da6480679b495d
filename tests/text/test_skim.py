"""Skimming (news.text.skim): items passed over are exactly those reading would keep nothing of."""

import random
import tomllib
from datetime import UTC, datetime

import pytest

from news.config import parse_config
from news.feeds.normalise import normalise_feed
from news.feeds.parse import parse_feed
from news.models import FeedContext, ParseError
from news.text.extract import read_item, take_credit
from news.text.scan import joined_text
from news.text.skim import worth_reading
from news.topics.config import TermGroup, TopicConfig
from news.topics.match import compile_topics
from news.topics.screen import glued_screen_key, may_match, may_match_glued
from tests.conftest import REPO, SHARED

TOPICS = compile_topics(
    [
        TopicConfig(
            slug="eba",
            title="EBA",
            description="d",
            all_of=(TermGroup(terms=("Cambodia", "Phnom Penh")),),
            any_of=TermGroup(terms=("trade preferences",), acronyms=("EBA",)),
        ),
        TopicConfig(
            slug="khmer",
            title="Khmer",
            description="d",
            any_of=TermGroup(terms=("សង្គមស៊ីវិល",)),
        ),
    ]
)
# An unprobed term ("€€€" has no Latin letter or digit) may match anything: with it, every
# item is read, as before skimming.
EVERY_ITEM = TopicConfig(
    slug="never", title="N", description="d", all_of=(TermGroup(terms=("€€€",)),)
)
BASE = "https://outlet.example/news/1"


def kept_by_reading(html: str, title: str = "A headline") -> bool:
    """Whether reading the item keeps anything: a topic may want it, or it has a credit line
    or a link worth storing."""
    credited = take_credit(read_item(html, base_url=BASE))
    return (
        may_match(TOPICS, title=title, text=credited.text)
        or credited.byline is not None
        or credited.original_url is not None
        or credited.context_url is not None
    )


def skimmed(html: str, title: str = "A headline") -> bool:
    """Whether skimming passes the item over; and then reading must keep nothing."""
    passed_over = not worth_reading(TOPICS, title=title, html=html)
    if passed_over:
        assert not kept_by_reading(html, title), html
    return passed_over


@pytest.mark.parametrize(
    "html",
    [
        "<p>Rain fell on the rice fields of the delta.</p><p>Farmers were pleased.</p>",
        "Plain text, no markup: the authorities said the river rose.",
        "<p>The ministry&rsquo;s report was published a week late &amp; ran long.</p>",
        '<p>A <a href="https://e.org/x" class="c" data-a="1" data-b="2" data-c="3">full-time'
        " job</a> and the whole town, originally a village.</p><!-- more -->",
        '<p>Photo:</p><img src="a.jpg" alt="x" width="10" height="10" loading=lazy>'
        '<iframe src="https://v.example/e"></iframe>',
        "<p>Numbers &#8217;quoted&#8217; &#x2014; and &#160;spaces.</p>",
    ],
)
def test_items_nothing_would_be_kept_of_are_passed_over(html: str) -> None:
    assert skimmed(html)


@pytest.mark.parametrize(
    "html",
    [
        # Topic words, however the HTML spells them.
        "<p>News from Phnom Penh on the EBA.</p>",
        "<p>Cam<b>bod</b>ia and the E<i>B</i>A</p>",  # inline tags inside a word
        "<p>Cambo&#100;ia and the &#69;BA</p>",  # references to ASCII letters
        "<p>Cambo&#x64;ia and E&#x42;A</p>",
        "<p>Cam&shy;bodia and the EBA</p>",  # an invisible mark inside a word
        "<p>Cam<!-- cut -->bodia and the EBA</p>",
        "<p>Cambodia</p><p>EBA</p>",
        "<p>\u179f\u1784\u17d2\u1782\u1798\u179f\u17ca\u17b8\u179c\u17b7\u179b</p>",  # Khmer
        "<p>&#6047;&#6020;&#6098;&#6018;&#6040;&#6047;&#6090;&#6072;&#6044;&#6071;&#6043;</p>",
        # Credit lines, with markup and references in them.
        "<p>Author: Sok Chan, VOD, Published on: 4 July 2018</p><p>Rain fell.</p>",
        "<p><b>Author</b>: Sok Chan, VOD</p>",
        "<p>Authors&nbsp;: Sok Chan, Dara Mech, VOD</p>",
        "<p>Published&#58; 4 July 2018</p>",
        "<p>Publi\u017fhed: 4 July 2018</p>",  # IGNORECASE takes the long s for an s
        # Links to the original and to the story in context.
        '<p><a href="https://pub.example/story">Read the full post here</a></p>',
        '<p><a href="https://pub.example/story">Read the&nbsp;full&nbsp;post</a></p>',
        '<p><a href="https://pub.example/story">Full<br>story</a></p>',
        '<p>In full: <a href="https://pub.example/story">the statement</a></p>',
        '<p><a href="https://pub.example/story">Read it in&nbsp;full</a></p>',
        '<p><a href="https://pub.example/story">Read the original article</a></p>',
        "<p>You are being redirected to the story the piece of content is found in"
        ' <a href="https://bhrrc.example/s#c1">here</a></p>',
        '<meta http-equiv="refresh" content="0; url=https://pub.example/story">',
        # Markup skimming cannot drop, which reading does not show.
        "<p>Cam<svg><text>x</text></svg>bodia</p>",
        "<p>Cam<script>var x = 1;</script>bodia</p>",
        '<p>Cam<span title="a<b">bod</span>ia</p>',
    ],
)
def test_items_reading_would_keep_something_of_are_read(html: str) -> None:
    assert not skimmed(html)


def test_the_title_counts_for_topics() -> None:
    assert not skimmed("<p>Rain fell.</p>", title="Cambodia and the EBA")
    assert skimmed("<p>Rain fell.</p>", title="Rain in the delta")


def test_joined_text_drops_tags_without_a_trace_and_declines_what_it_cannot_drop() -> None:
    assert joined_text("<p>Cam<b>bod</b>ia</p><p>next</p>") == "Cambodianext"
    assert joined_text('<img a="1" b="2" c="3" d="4" e="5" f=g h>x') == "x"
    assert joined_text('<iframe src="v"></iframe>x<!-- note -->y') == "xy"
    assert joined_text("a < b &amp; c") == "a < b &amp; c"
    for html in ("<svg>x</svg>", "<p", "</ p>", '<a b="x"c="y">', "<!---->", "x\x00y"):
        assert joined_text(html) is None, html


def test_hostile_markup_is_declined_not_chewed_on() -> None:
    # Every match attempt stops at the next "<": these stay linear.
    assert joined_text("<a" * 50_000) is None
    assert joined_text("<a b='" * 20_000) is None
    assert joined_text("<!--" * 20_000) is None


def test_probes_are_looked_for_anywhere_when_words_may_be_glued() -> None:
    def glued(text: str) -> bool:
        raw = f"A headline\n{text}"
        key = glued_screen_key(raw)
        assert key is not None
        return may_match_glued(TOPICS, raw=raw, key=key)

    assert glued("Rain in ruralCambodiaand the EBAagreement")  # runs glued together
    assert not glued("Rain in the delta")
    # A mark glued to a letter may compose with it: "a" + U+0301 is "á", and the run is gone.
    assert glued_screen_key("Cambodia\u0301 EBA") is None
    assert not skimmed("<p>Cambodia</p><p>\u0301 and the EBA</p>")


CORPUS = SHARED / "corpus" / "feeds"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared feed corpus not found at {CORPUS}")
def test_skimming_changes_nothing_on_the_shared_corpus() -> None:
    raw_topics = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
    config = parse_config(
        {
            "feeds": [{"name": "F", "url": "https://f.example/", "type": "independent media"}],
            "topics": raw_topics,
        },
        base_dir=REPO,
        environ={},
    )
    topics = compile_topics(config.topics)
    every_item = compile_topics([*config.topics, EVERY_ITEM])
    now = datetime(2026, 11, 27, tzinfo=UTC)
    items = passed_over = 0
    for path in sorted(CORPUS.rglob("*.*")):
        if path.suffix == ".md":
            continue
        kind = "application/feed+json" if path.parent.name == "json" else "application/xml"
        try:
            raw = parse_feed(
                path.read_bytes(), {"content-type": kind}, f"https://{path.stem}.example/"
            )
        except ParseError:
            continue
        feed = FeedContext(f"https://{path.stem}.example/", path.stem, "independent media", "en")
        skimming = normalise_feed(raw, feed, topics, now)
        assert skimming == normalise_feed(raw, feed, every_item, now), path
        items += len(raw.entries)
        passed_over += sum(
            1
            for entry in raw.entries
            if entry.title and not worth_reading(topics, title=entry.title, html=entry.html)
        )
    assert items > 500
    assert passed_over > items / 2  # most items are not worth reading


def test_a_probe_holding_another_is_not_looked_for_again() -> None:
    group = compile_topics(
        [
            TopicConfig(
                slug="t",
                title="T",
                description="d",
                any_of=TermGroup(terms=("Cambodians", "Cambodia", "Cambodian", "Phnom Penh")),
            )
        ]
    )[0].any_of
    assert group is not None
    assert sorted(group.loose_probes) == [b"cambodia", b"phnom"]


# Awkward pieces for random items: words the topics, credit lines and link labels need,
# split by tags, spelled with references, glued across blocks, next to marks and odd cases.
PIECES = (
    "Cam", "bodia", "Cambodia", "Phnom", " Penh", "EBA", "E", "BA", "trade", " preferences",
    "Author", "Authors", "author", "Published", "published", " on", ":", "&#58;", "4 July 2018",
    " ", "&nbsp;", "\n", ",", "VOD", "read", "Read", "the", " full", "full", " post", "story",
    "whole", "original", " article", "in", " it", "redirected", " to the story", "larger",
    " story", "being", "part of a",
    "<b>", "</b>", "<p>", "</p>", "<br>", "<td>", "<!-- c -->", '<span title="a>b">', "</span>",
    '<a href="https://pub.example/s">', "</a>", '<img src="x.jpg" alt="full story">',
    "&#100;", "&#x42;", "&amp;", "&#8217;", "&rsquo;", "&shy;", "&#1;", "&fjlig;", "&#",
    "\u0301", "\u017f", "\u0131", "\u212a", "\u00df", "\u200b", "\u179f\u1784\u17d2\u1782",
    "\u1798\u179f\u17ca\u17b8\u179c\u17b7\u179b", "<svg>", "</svg>", "<script>", "</script>",
)  # fmt: skip


def test_random_items_of_awkward_pieces_are_never_passed_over_wrongly() -> None:
    rng = random.Random(17)
    passed_over = 0
    for _ in range(6_000):
        html = "".join(rng.choices(PIECES, k=rng.randint(1, 16)))
        passed_over += skimmed(html)  # asserts that reading would keep nothing
    assert passed_over > 1_000  # the test reaches the interesting branch
