"""The poll cycle end to end: loopback publishers, the real parser, a real SQLite file."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.app import Services, open_services
from jobs.poll.feed import EXPECTED_BODY, STILL
from news.fetch.budget import ByteBudget
from news.fetch.feed import LARGE_BODY
from news.models import DueFeed, FeedReport, FeedStatus
from news.store.feeds import feed_health
from news.store.stories import SaveResult
from news.store.tables import Entry, Feed, Story
from tests.conftest import feed_entry
from tests.fakes.feed_server import FeedServer, Reply, endless, gzip_bomb, rss

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


def item(n: int, **extra: str) -> dict[str, str]:
    return {
        "title": f"Story number {n}",
        "link": f"https://news.example.org/2026/story-{n}",
        "guid": f"urn:example:{n}",
        "description": f"&lt;p&gt;Body of story {n}. It has two sentences.&lt;/p&gt;",
        **extra,
    }


@pytest.fixture
async def open_with(make_config) -> AsyncIterator[Callable[..., Any]]:
    opened: list[Any] = []

    async def start(feeds: list[dict[str, Any]], **sections: Any) -> Services:
        context = open_services(make_config(feeds, **sections))
        opened.append(context)
        return await context.__aenter__()

    yield start
    for context in reversed(opened):
        await context.__aexit__(None, None, None)


async def poll(services: Services, now: datetime) -> dict[str, FeedReport]:
    return {r.name: r for r in await services.poller.poll_due(now)}


async def count(services: Services, table: type, **where: Any) -> int:
    query = select(func.count()).select_from(table).filter_by(**where)
    async with services.db.sessions() as session:
        return int(await session.scalar(query) or 0)


async def test_new_stories_are_stored_once_and_an_unchanged_feed_is_not_parsed(
    feed_server, open_with
):
    url = feed_server.feed("/feed.xml", rss([item(1), item(2)]))
    services = await open_with([feed_entry("Example", url)])
    first = await poll(services, T0)
    assert first["Example"].status is FeedStatus.OK
    assert [s.title for s in first["Example"].new_stories] == ["Story number 1", "Story number 2"]
    second = await poll(services, LATER)
    assert second["Example"].status is FeedStatus.NOT_MODIFIED
    assert second["Example"].new_stories == ()
    assert [hit.status for hit in feed_server.hits_for("/feed.xml")] == [200, 304]
    assert await count(services, Story) == 2


async def test_unchanged_feeds_are_recorded_in_batches_and_all_rescheduled(feed_server, open_with):
    feeds = [
        feed_entry(f"Feed {n}", feed_server.feed(f"/{n}.xml", rss([item(n)]))) for n in range(130)
    ]
    services = await open_with(feeds, http={"concurrency": 16})
    await poll(services, T0)
    reports = await poll(services, LATER)
    assert {r.status for r in reports.values()} == {FeedStatus.NOT_MODIFIED}
    health = await feed_health(services.db)
    assert {h.status for h in health} == {"not modified"}
    assert all(h.next_poll is not None and h.next_poll > LATER for h in health)
    assert await poll(services, LATER + timedelta(minutes=1)) == {}  # none left due


async def test_a_feed_is_not_polled_before_its_interval(feed_server, open_with):
    url = feed_server.feed("/feed.xml", rss([item(1)]))
    services = await open_with([feed_entry("Example", url, every="2h")])
    await poll(services, T0)
    assert await poll(services, T0 + timedelta(minutes=119)) == {}
    assert list(await poll(services, T0 + timedelta(hours=2))) == ["Example"]


async def test_items_that_drop_out_and_come_back_are_not_new(feed_server, open_with):
    services = await open_with([feed_entry("Example", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(rss([item(1), item(2), item(3)])))
    await poll(services, T0)
    feed_server.route("/f.xml", Reply(rss([item(4), item(3), item(2)])))
    assert len((await poll(services, LATER))["Example"].new_stories) == 1
    feed_server.route("/f.xml", Reply(rss([item(1), item(3), item(2), item(4)])))
    assert (await poll(services, LATER + timedelta(hours=1)))["Example"].new_stories == ()
    assert await count(services, Story) == 4


async def test_a_feed_without_guids_survives_reordering_and_tracking_parameters(
    feed_server, open_with
):
    plain = [{k: v for k, v in item(n).items() if k != "guid"} for n in (1, 2, 3)]
    services = await open_with([feed_entry("Example", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(rss(plain)))
    await poll(services, T0)
    shuffled = [dict(p, link=p["link"] + "?utm_source=rss&amp;utm_medium=feed") for p in plain]
    feed_server.route("/f.xml", Reply(rss(shuffled[::-1])))
    assert (await poll(services, LATER))["Example"].new_stories == ()


async def test_guids_that_change_on_every_fetch_do_not_repeat_stories(feed_server, open_with):
    services = await open_with([feed_entry("Example", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(rss([item(1), item(2)])))
    await poll(services, T0)
    churned = [item(1, guid="urn:session:9a"), item(2, guid="urn:session:9b")]
    feed_server.route("/f.xml", Reply(rss(churned)))
    assert (await poll(services, LATER))["Example"].new_stories == ()


async def test_a_guid_repeated_inside_one_document(feed_server, open_with):
    twins = [item(1), item(1), item(1)]  # one story repeated, as Al-Monitor does
    shared = [item(2, guid="same"), item(3, guid="same")]  # one GUID on two stories
    services = await open_with([feed_entry("Example", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(rss(twins + shared)))
    report = (await poll(services, T0))["Example"]
    assert sorted(s.title for s in report.new_stories) == [
        "Story number 1",
        "Story number 2",
        "Story number 3",
    ]
    feed_server.route("/f.xml", Reply(rss(shared[::-1] + twins)))
    assert (await poll(services, LATER))["Example"].new_stories == ()


async def test_hostile_publishers_fail_alone(feed_server, open_with):
    routes = {
        "Good": feed_server.feed("/good.xml", rss([item(1)])),
        "Gone": feed_server.route("/gone.xml", Reply(status=410)),
        "Busy": feed_server.route("/busy.xml", Reply(status=429, headers={"retry-after": "7200"})),
        "Slow": feed_server.route("/slow.xml", Reply(rss([item(2)]), delay=30)),
        "Huge": feed_server.route(
            "/huge.xml", Reply(stream=endless(b"<rss>" + b"x" * 8187, 50 << 20))
        ),
        "Bomb": feed_server.route(
            "/bomb.xml", Reply(gzip_bomb(64 << 20), headers={"content-encoding": "gzip"})
        ),
        "Wall": feed_server.route(
            "/wall.xml", Reply(b"<html><title>Just a moment...</title>", 503)
        ),
        "Page": feed_server.route(
            "/page.xml", Reply(b"<!doctype html><html><body>Our news</body></html>")
        ),
        "Junk": feed_server.route("/junk.xml", Reply(b"\x00\x01garbage that is not xml")),
    }
    services = await open_with(
        [feed_entry(name, url) for name, url in routes.items()],
        http={"total_timeout": "1s", "max_body": "2MiB"},
    )
    reports = await poll(services, T0)
    assert {name: r.status for name, r in reports.items()} == {
        "Good": FeedStatus.OK,
        "Gone": FeedStatus.GONE,
        "Busy": FeedStatus.RATE_LIMITED,
        "Slow": FeedStatus.TIMEOUT,
        "Huge": FeedStatus.TOO_LARGE,
        "Bomb": FeedStatus.TOO_LARGE,
        "Wall": FeedStatus.BLOCKED,
        "Page": FeedStatus.PARSE_ERROR,
        "Junk": FeedStatus.PARSE_ERROR,
    }
    assert len(reports["Good"].new_stories) == 1
    health = {h.name: h for h in await feed_health(services.db)}
    assert health["Gone"].next_poll is None
    assert health["Gone"].disabled_reason is not None
    assert health["Busy"].next_poll == T0 + timedelta(hours=2)
    assert health["Page"].error == (
        "an HTML web page, not a feed (is the URL a page rather than its feed?)"
    )
    assert all(h.error_count == 1 for name, h in health.items() if name != "Good")
    # The next cycle polls only what is due: the gone feed never again.
    assert "Gone" not in await poll(services, T0 + timedelta(days=2))


async def test_a_permanent_redirect_moves_the_feed(feed_server, open_with):
    feed_server.redirect("/old.xml", "/new.xml", 301)
    feed_server.feed("/new.xml", rss([item(1)]))
    services = await open_with([feed_entry("Moved", feed_server.url("/old.xml"))])
    await poll(services, T0)
    await poll(services, LATER)
    assert len(feed_server.hits_for("/old.xml")) == 1
    assert [h.status for h in feed_server.hits_for("/new.xml")] == [200, 304]


async def test_a_parse_error_keeps_old_validators_so_the_next_poll_refetches(
    feed_server, open_with
):
    services = await open_with([feed_entry("Flaky", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(b"{not json", etag='"v1"'))
    assert (await poll(services, T0))["Flaky"].status is FeedStatus.PARSE_ERROR
    feed_server.route("/f.xml", Reply(rss([item(1)]), etag='"v1"'))
    report = (await poll(services, LATER))["Flaky"]
    assert report.status is FeedStatus.OK
    assert "If-None-Match" not in feed_server.hits_for("/f.xml")[-1].headers


# A trigger that refuses to store one ETag, in each database's own syntax.
REFUSE_ETAG = {
    "sqlite": [
        "CREATE TRIGGER refuse BEFORE UPDATE OF etag ON feeds WHEN NEW.etag = '\"refused\"' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
        "CREATE TRIGGER refuse BEFORE UPDATE OF etag ON feeds FOR EACH ROW "
        "WHEN (NEW.etag = '\"refused\"') EXECUTE FUNCTION refuse()",
    ],
}
DROP_REFUSE = {"sqlite": "DROP TRIGGER refuse", "postgresql": "DROP TRIGGER refuse ON feeds"}


def run_all(session: Session, statements: list[str]) -> None:
    for statement in statements:
        session.execute(text(statement))


async def test_stories_and_the_validators_saying_they_were_read_are_stored_together(
    feed_server, open_with
):
    # One transaction (and one commit per feed, not two): if the feed's new ETag cannot be
    # written, its stories are not stored either, and the next poll reads them in full.
    services = await open_with([feed_entry("Example", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(rss([item(1), item(2)]), etag='"refused"'))
    dialect = services.db.engine.dialect.name
    await services.db.write(partial(run_all, statements=REFUSE_ETAG[dialect]))
    failed = (await poll(services, T0))["Example"]
    assert failed.status is FeedStatus.INTERNAL
    assert await count(services, Story) == 0
    await services.db.write(partial(run_all, statements=[DROP_REFUSE[dialect]]))
    retried = (await poll(services, T0 + timedelta(days=1)))["Example"]
    assert (retried.status, len(retried.new_stories)) == (FeedStatus.OK, 2)
    assert "If-None-Match" not in feed_server.hits_for("/f.xml")[-1].headers


async def test_the_same_broken_document_is_not_parsed_again_and_still_reported(
    feed_server, open_with
):
    services = await open_with([feed_entry("Broken", feed_server.url("/f.xml"))])
    feed_server.route("/f.xml", Reply(b"{not json", etag='"v1"'))  # ETag ignored: always 200
    first = (await poll(services, T0))["Broken"]
    again = (await poll(services, LATER))["Broken"]
    assert first.status is again.status is FeedStatus.PARSE_ERROR
    assert first.message is not None
    assert again.message == first.message + STILL  # known from its hash, not parsed again
    [health] = await feed_health(services.db)
    assert (health.status, health.error_count) == ("parse error", 2)
    assert (await poll(services, LATER + timedelta(hours=4)))["Broken"].message == again.message
    feed_server.route("/f.xml", Reply(rss([item(1)]), etag='"v2"'))
    fixed = await poll(services, LATER + timedelta(days=1))
    assert fixed["Broken"].status is FeedStatus.OK
    assert len(fixed["Broken"].new_stories) == 1


async def test_after_a_parse_timeout_the_same_bytes_are_parsed_again(feed_server, open_with):
    url = feed_server.feed("/big.xml", rss([item(n) for n in range(300)]))
    services = await open_with([feed_entry("Slow", url)], polling={"parse_workers": 0})
    services.workers.timeout = 0.0001  # a loaded machine, below what the config allows
    first = (await poll(services, T0))["Slow"]
    assert first.status is FeedStatus.PARSE_ERROR
    assert first.message is not None
    assert "longer than" in first.message
    services.workers.timeout = 60  # the load has gone: the same document now parses
    again = (await poll(services, LATER + timedelta(hours=1)))["Slow"]
    assert again.status is FeedStatus.OK  # not taken for a broken document
    assert len(again.new_stories) == 300


async def test_parsing_in_worker_processes(feed_server, open_with):
    url = feed_server.feed("/feed.xml", rss([item(n) for n in range(30)]))
    services = await open_with([feed_entry("Example", url)], polling={"parse_workers": 2})
    report = (await poll(services, T0))["Example"]
    assert len(report.new_stories) == 30
    assert await count(services, Entry) == 30


async def test_feeds_removed_from_the_config_are_kept_but_disabled(feed_server, make_config):
    url = feed_server.feed("/feed.xml", rss([item(1)]))
    async with open_services(make_config([feed_entry("Example", url)])) as services:
        await poll(services, T0)
    async with open_services(make_config([])) as services:
        assert await poll(services, LATER) == {}
        assert await count(services, Feed, enabled=False) == 1
        assert await count(services, Story) == 1


async def test_concurrency_is_bounded_per_host_and_overall(open_with):
    with FeedServer(more_hosts=["127.0.0.2"]) as server:
        feeds = []
        for n in range(12):
            host = "127.0.0.1" if n < 8 else "127.0.0.2"
            path = f"/slow/{n}.xml"
            server.route(path, Reply(rss([item(n)]), delay=0.2))
            feeds.append(feed_entry(f"Feed {n}", server.url(path, host)))
        services = await open_with(feeds, http={"per_host": 2, "concurrency": 3})
        reports = await poll(services, T0)
        assert {r.status for r in reports.values()} == {FeedStatus.OK}
        first, second = f"127.0.0.1:{server.port}", f"127.0.0.2:{server.port}"
        assert server.peak_in_flight[first] == 2  # never more than per_host at one publisher
        assert server.peak_in_flight[second] == 2
        assert server.peak_total == 3  # nor more than the overall limit
        assert max(server.in_flight.values()) == 0


async def test_a_download_waits_for_room_in_the_byte_budget_and_a_likely_304_does_not(
    open_with,
):
    with FeedServer() as server:
        feeds = []
        for n in range(6):
            path = f"/slow/{n}.xml"
            # The second poll's six 304s are answered only once all six have been asked for.
            body, etag = rss([item(n)]), f'"v{n}"'
            server.route(
                path, Reply(body, etag=etag, delay=0.2), Reply(body, etag=etag, together=6)
            )
            feeds.append(feed_entry(f"Feed {n}", server.url(path)))
        services = await open_with(feeds, http={"per_host": 6, "concurrency": 6})
        budget = services.poller.feed_poller.unparsed = ByteBudget(2 * EXPECTED_BODY)
        first = await poll(services, T0)
        first_peak, server.peak_total = server.peak_total, 0
        second = await poll(services, LATER)
    assert {r.status for r in first.values()} == {FeedStatus.OK}
    assert first_peak == 2  # room for two downloads: the next waits for a body to be stored
    assert {r.status for r in second.values()} == {FeedStatus.NOT_MODIFIED}
    assert server.peak_total == 6  # each has an ETag, so each is counted as nothing
    assert budget.used == 0


class Places(asyncio.Semaphore):
    """A real semaphore that also notes how many hold it and whether anyone had to queue."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.holding = 0
        self.queued = asyncio.Event()

    async def acquire(self) -> Literal[True]:
        if self.locked():
            self.queued.set()
        await super().acquire()
        self.holding += 1
        return True

    def release(self) -> None:
        self.holding -= 1
        super().release()


def padded(body: bytes, size: int) -> bytes:
    """``body`` grown to ``size`` bytes with a comment, as a feed with huge item HTML would be."""
    filler = b"<!--" + b"x" * (size - len(body) - 7) + b"-->"
    return body.replace(b"</channel>", filler + b"</channel>")


async def test_large_bodies_take_turns_for_a_place_and_small_ones_never_wait(
    feed_server, open_with
):
    bodies = {
        "Large 1": padded(rss([item(1)]), 2 * LARGE_BODY),
        "Large 2": padded(rss([item(2)]), 2 * LARGE_BODY),
        "Small": rss([item(3)]),
    }
    services = await open_with(
        [
            feed_entry(name, feed_server.feed(f"/{n}.xml", body))
            for n, (name, body) in enumerate(bodies.items())
        ]
    )
    places = services.poller.feed_poller.limiter.large = Places(1)
    small_stored = asyncio.Event()

    async def after_save(feed: DueFeed, saved: SaveResult, now: datetime) -> None:
        if feed.name == "Small":
            small_stored.set()
            return
        assert places.holding == 1  # the large body keeps its place while it is stored
        # The one place stays taken until the other large body queues for it and the small
        # feed is stored: if either waited for this one, this would time out.
        await asyncio.wait_for(asyncio.gather(places.queued.wait(), small_stored.wait()), 5)

    services.poller.feed_poller.after_save = after_save
    reports = await poll(services, T0)
    assert {name: r.status for name, r in reports.items()} == dict.fromkeys(bodies, FeedStatus.OK)
    assert {name: len(r.new_stories) for name, r in reports.items()} == dict.fromkeys(bodies, 1)
    assert await count(services, Story) == 3
    assert places.holding == 0
    assert not places.locked()  # every place given back


async def test_one_bad_json_feed_item_costs_only_itself(feed_server, open_with):
    # Each of these items made the whole feed fail on every poll: a lone surrogate cannot be
    # stored, and these dates are past year 9999 or before year 1 once in UTC.
    bad = [
        '{"id": "s", "title": "Lone \\ud800 surrogate", "url": "https://j.example/s"}',
        '{"id": "late", "title": "Late", "date_published": "9999-12-31T23:59:59-14:00"}',
        '{"id": "early", "title": "Early", "date_published": "0001-01-01T00:00:00+01:00"}',
        '"not an object"',
        '{"id": {"nested": true}, "title": ["a", "list"], "url": 7, "content_text": "Body"}',
    ]
    good = '{"id": "ok", "title": "A good item", "url": "https://j.example/ok"}'
    items = ", ".join([*bad, good])
    body = f'{{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{items}]}}'
    url = feed_server.feed("/feed.json", body.encode(), content_type="application/feed+json")
    services = await open_with([feed_entry("JSON", url)])
    report = (await poll(services, T0))["JSON"]
    assert report.status is FeedStatus.OK, report.message
    titles = sorted(s.title for s in report.new_stories)
    assert titles == ["A good item", "Body", "Early", "Late", "Lone \ufffd surrogate"]
    assert await count(services, Story) == 5
