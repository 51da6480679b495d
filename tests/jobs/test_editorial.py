"""The editorial core end to end: stories in context, one story across outlets, the seed."""

import html
import tomllib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import news.store.db
from bot.app import Services, open_services
from news.models import DueFeed, Entry, StoredStory, Validators
from news.store.listing import latest_stories, load_stories
from news.store.stories import enrichment
from news.store.tables import Story
from tests.conftest import DATA, REPO, ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer, Reply, rss
from tests.seed import SEED, SKIP_REASON, seed_page_html

FEEDS = DATA / "feeds"
ITEM_PAGE = DATA / "extract" / "bhrrc_item.html"
TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
BHRRC = "Business & Human Rights Resource Centre"


@pytest.fixture(params=["threads", "async session"])
async def start(
    make_config: ConfigFactory,
    backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Callable[..., Any]]:
    """Open the services; each test runs twice on SQLite: with a SQLite file's reader and writer
    threads, and through ``AsyncSession.run_sync`` as on any other database."""
    if request.param == "threads" and backend != "sqlite":
        pytest.skip("SQLite only: a SQLite file's reader and writer threads")
    if request.param == "async session":
        monkeypatch.setattr(news.store.db, "is_file", lambda url: False)
    opened: list[Any] = []

    async def open_with(feeds: list[dict[str, Any]]) -> Services:
        context = open_services(make_config(feeds, topics=TOPICS))
        opened.append(context)
        services: Services = await context.__aenter__()
        assert (services.db.writer is None) == (request.param == "async session")
        return services

    yield open_with
    for context in reversed(opened):
        await context.__aexit__(None, None, None)


async def all_stories(services: Services) -> list[StoredStory]:
    async with services.db.sessions() as session:
        ids = list((await session.scalars(select(Story.id).order_by(Story.id))).all())
    found = await load_stories(services.db, ids)
    return [found[i] for i in ids]


def item_feed(server: FeedServer, page_path: str, description: str, title: str) -> bytes:
    return rss(
        [
            {
                "title": html.escape(title),
                "link": server.url(page_path),
                "guid": "item-1",
                "description": html.escape(description),
            }
        ]
    )


async def test_the_same_story_from_an_aggregator_and_its_publisher_is_stored_once(
    feed_server, start
):
    bhrrc = feed_server.feed("/bhrrc.xml", (FEEDS / "bhrrc_cambodia.xml").read_bytes())
    ledger = feed_server.feed("/ledger.xml", (FEEDS / "mekong_ledger.xml").read_bytes())
    services = await start(
        [feed_entry(BHRRC, bhrrc, type="ngo"), feed_entry("The Mekong Ledger", ledger)]
    )
    await services.poller.poll_due(T0)
    stories = await all_stories(services)
    assert len(stories) == 4  # 3 + 2 items, one story carried by both
    [eba] = [s for s in stories if "EBA" in s.title]
    assert (eba.outlet, eba.also_reported_by) == ("The Mekong Ledger", (BHRRC,))
    assert eba.original_url == (
        "https://www.mekongledger.example/politics/2026/11/eu-warns-eba-access-hinges-on-rights"
    )
    # The publisher's own version leads: its headline, its byline, its own date.
    assert eba.title == "EU warns EBA access hinges on rights"
    assert eba.author == "Sreymom Chan"  # the feed's "desk@… (Sreymom Chan)", cleaned
    assert eba.publisher is None
    assert eba.published == datetime(2026, 11, 23, 0, 15, tzinfo=UTC)
    # "... unless detained union leaders are released": rights defenders' news too.
    assert [t.slug for t in eba.topics] == ["cambodia-eba", "rights-defenders"]


async def test_near_identical_headlines_from_two_outlets_are_one_story(feed_server, start):
    headline = "Hun Manet meets EU envoy over Everything But Arms trade preferences"
    one = feed_server.feed("/one.xml", rss([{"title": headline, "link": "https://one.example/a"}]))
    two = feed_server.feed(
        "/two.xml",
        rss([{"title": f"{headline} - Kampuchea Weekly", "link": "https://two.example/b?x=1"}]),
    )
    other = feed_server.feed(
        "/three.xml",
        rss(
            [
                {
                    "title": "Hun Manet meets ASEAN envoy over border talks",
                    "link": "https://three.example/c",
                }
            ]
        ),
    )
    services = await start(
        [feed_entry("One", one), feed_entry("Two", two), feed_entry("Three", other)]
    )
    await services.poller.poll_due(T0)
    stories = await all_stories(services)
    assert len(stories) == 2
    [merged] = [s for s in stories if "EU envoy" in s.title]
    assert {merged.outlet, *merged.also_reported_by} == {"One", "Two"}


async def test_a_restarted_bot_still_knows_the_headlines_it_stored(feed_server, start):
    headline = "Garment union leaders detained ahead of EBA review in Phnom Penh"
    one = feed_server.feed("/one.xml", rss([{"title": headline, "link": "https://one.example/a"}]))
    two = feed_server.feed("/two.xml", rss([{"title": headline, "link": "https://two.example/b"}]))
    before = await start([feed_entry("One", one)])
    await before.poller.poll_due(T0)
    after = await start([feed_entry("One", one), feed_entry("Two", two)])  # a new process
    await after.poller.poll_due(T0 + timedelta(hours=1))
    [story] = await all_stories(after)
    assert {story.outlet, *story.also_reported_by} == {"One", "Two"}


async def test_a_story_that_matched_no_topic_gains_a_summary_from_an_outlet_that_does(
    feed_server, start
):
    link = "https://wire.example/2026/11/eu-trade-review"
    plain = rss(
        [
            {
                "title": "EU trade review continues",
                "link": link,
                "description": "Officials met in Brussels on Tuesday. Talks go on.",
            }
        ]
    )
    general = feed_server.feed("/general.xml", plain)
    specialist = feed_server.feed("/specialist.xml", rss([]))
    services = await start([feed_entry("General", general), feed_entry("Specialist", specialist)])
    await services.poller.poll_due(T0)
    [before] = await all_stories(services)
    assert (before.summary, before.topics) == ("", ())  # shown to nobody: not summarised
    async with services.db.sessions() as session:
        assert await session.scalar(select(Story.text)) == ""  # nor kept
    matching = {
        "title": "Cambodia: EU weighs withdrawing Everything But Arms preferences",
        "link": link,
        "description": "The European Commission said Cambodia's EBA trade preferences "
        "depend on its human rights record. Unions welcomed the review.",
    }
    feed_server.feed("/specialist.xml", rss([matching]))
    await services.poller.poll_due(T0 + timedelta(hours=2))
    [after] = await all_stories(services)
    assert [t.slug for t in after.topics] == ["cambodia-eba"]
    assert after.summary.startswith("The European Commission said Cambodia")
    assert (after.outlet, after.also_reported_by) == ("Specialist", ("General",))
    async with services.db.sessions() as session:
        assert "Unions welcomed the review." in await session.scalar(select(Story.text))


async def test_story_context_comes_from_the_item_page_notice(feed_server, start):
    feed_server.route("/en/latest-news/item/", Reply(ITEM_PAGE.read_bytes()))
    description = "<p>Author: Leakhena Sok, Mekong Ledger, Published on: 14 March 2022</p>"
    feed = item_feed(feed_server, "/en/latest-news/item/", description, "Cambodia: union rules")
    url = feed_server.feed("/feed.xml", feed)
    services = await start([feed_entry(BHRRC, url, type="ngo", story_context=True)])
    await services.poller.poll_due(T0)
    [before] = await all_stories(services)
    assert before.context_url is None
    assert await services.poller.resolve_contexts(T0) == 1
    [after] = await all_stories(services)
    assert after.context_url == feed_server.url(
        "/en/cambodia-union-registration-rules-questioned-by-labour-groups#c123456"
    )
    assert await services.poller.resolve_contexts(T0) == 0  # settled: nothing left to do


async def test_story_context_from_a_redirect_and_from_the_cache(feed_server, start):
    feed_server.redirect("/node/9", "/en/some-story/#c99", 301)
    feed_server.route("/en/some-story/", Reply(b"<html>story</html>"))
    items = [
        {"title": "Item A", "link": feed_server.url("/node/9"), "guid": "a"},
        {
            "title": "Item A again",
            "link": feed_server.url("/node/9") + "?utm_source=x",
            "guid": "b",
        },
    ]
    url = feed_server.feed("/feed.xml", rss(items))
    services = await start([feed_entry(BHRRC, url, type="ngo", story_context=True)])
    await services.poller.poll_due(T0)
    await services.poller.resolve_contexts(T0)
    [story] = await all_stories(services)  # same canonical item URL: one story
    assert story.context_url == feed_server.url("/en/some-story/#c99")
    assert len(feed_server.hits_for("/node/9")) == 1


@pytest.mark.parametrize(
    "page",
    [
        # a notice page, as BHRRC serves it, whose link carries a mailer's tags
        "<p>You are being redirected to the story the piece of content is found in so you can "
        'read it in context.</p><a href="/en/story/?utm_source=nl&fbclid=x&id=4#c77">story</a>',
        # a meta refresh
        '<meta http-equiv="refresh" content="0; url=/en/story/?gclid=1&id=4&utm_medium=m#c77">',
    ],
)
async def test_a_context_link_from_the_item_page_is_sent_without_tracking(
    feed_server, start, page
):
    feed_server.route("/en/item/", Reply(f"<html><body>{page}</body></html>".encode()))
    url = feed_server.feed("/feed.xml", item_feed(feed_server, "/en/item/", "<p>x</p>", "T"))
    services = await start([feed_entry(BHRRC, url, type="ngo", story_context=True)])
    await services.poller.poll_due(T0)
    assert await services.poller.resolve_contexts(T0) == 1
    [story] = await all_stories(services)
    assert story.context_url == feed_server.url("/en/story/?id=4#c77")


async def test_credentials_in_a_feed_url_never_reach_an_item_link(feed_server, start):
    relative = rss([{"title": "Cambodia: EBA review", "link": "/en/eba-review", "guid": "r1"}])
    url = feed_server.feed("/private/feed.xml", relative)
    with_credentials = url.replace("http://", "http://reader:pa55word@")
    services = await start([feed_entry("Members' feed", with_credentials)])
    await services.poller.poll_due(T0)
    [story] = await all_stories(services)
    assert story.url == feed_server.url("/en/eba-review")


async def test_an_unreachable_item_page_falls_back_to_the_item_link(feed_server, start):
    feed_server.route("/en/broken/", Reply(status=500))
    url = feed_server.feed("/feed.xml", item_feed(feed_server, "/en/broken/", "<p>x</p>", "T"))
    services = await start([feed_entry(BHRRC, url, type="ngo", story_context=True)])
    await services.poller.poll_due(T0)
    for attempt in range(3):
        await services.poller.resolve_contexts(T0 + timedelta(hours=attempt))
    [story] = await all_stories(services)
    assert story.context_url is None
    assert story.url == feed_server.url("/en/broken/")
    async with services.db.sessions() as session:
        waiting = await session.scalar(select(func.count()).where(Story.needs_context.is_(True)))
    assert waiting == 0  # given up after three tries; renderers use the item link


@pytest.mark.corpus
@pytest.mark.skipif(not SEED.is_file(), reason=SKIP_REASON)
async def test_the_seed_page_as_a_feed_item(feed_server, start):
    seed = SEED.read_text(encoding="utf-8")
    page = seed_page_html(seed)
    title = next(line for line in seed.splitlines() if line.startswith("Cambodia: Interior"))
    feed_server.route("/en/latest-news/seed-item/", Reply(page.encode()))
    feed = item_feed(feed_server, "/en/latest-news/seed-item/", page, title)
    url = feed_server.feed("/feed.xml", feed)
    services = await start([feed_entry(BHRRC, url, type="ngo", story_context=True)])
    await services.poller.poll_due(T0)
    await services.poller.resolve_contexts(T0)
    [story] = await all_stories(services)
    summary = story.summary.lower()
    assert "sar kheng" in summary
    assert "evidence" in summary  # the Interior Minister's claim
    assert "adhoc" in summary  # and the NGO response
    for banner in ("hide message", "donate", "welcome to the resource centre", "redirected"):
        assert banner not in summary
    assert (story.author, story.publisher) == ("Dara Mech", "The Phnom Penh Post")
    # The Post's own date, as BHRRC quotes its headline; BHRRC posted it on the 10th.
    assert (story.published, story.date_is_relayed) == (datetime(2019, 12, 8, tzinfo=UTC), False)
    assert story.context_url is not None
    assert story.context_url.endswith("#c200383")
    assert "/en/eu-to-launch-withdrawal-process-of-trade-preferences-in-cambodia" in (
        story.context_url
    )
    assert [t.slug for t in story.topics] == ["cambodia-civil-society", "cambodia-eba"]
    assert len(await latest_stories(services.db, ["cambodia-eba"], limit=5)) == 1


def test_a_second_outlet_adds_what_belongs_to_the_story_not_its_version():
    feed = DueFeed(
        1,
        "Wire",
        "https://wire.example/feed",
        "https://wire.example/feed",
        "en",
        "aggregator",
        Validators(),
        0,
        story_context=True,
    )
    stored = {"context_url": None, "needs_context": False, "news_at": T0}
    entry = Entry(
        key="k",
        link_key=None,
        url_key="first.example/a",
        guid=None,
        url="https://wire.example/item/9",
        title="T",
        text="Full text.",
        summary="Full text.",
        author="Someone Else",
        publisher="The Wire",
        published=T0 - timedelta(days=2),
        original_url="https://elsewhere.example/b",
        context_url=None,
        listed=T0 + timedelta(hours=1),
    )
    # The summary, credit and date are the chosen version's (news.store.versions).
    assert enrichment(stored, feed, entry) == {
        "needs_context": True,  # this feed's item page may say where the story lives
        "news_at": T0 + timedelta(hours=1),  # relayed as news later than first seen
    }
    known = stored | enrichment(stored, feed, entry)
    assert enrichment(known, feed, entry) == {}  # nothing left to add
