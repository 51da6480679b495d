"""fetch_feed against a real loopback server: validators, redirects, limits, hostile answers."""

import asyncio
import gzip
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from news.fetch.feed import (
    LARGE_BODY,
    Fetched,
    FetchFailed,
    FetchLimits,
    NotModified,
    _exceeds,
    fetch_feed,
    parse_retry_after,
)
from news.models import FeedStatus, Validators
from tests.fakes.feed_server import FeedServer, Reply, endless, gzip_bomb, rss

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LIMITS = FetchLimits(max_body=1024 * 1024, total_timeout=timedelta(seconds=5))
BODY = rss([{"title": "One", "link": "https://example.org/1", "guid": "1"}])


async def test_second_fetch_sends_validators_and_gets_not_modified(feed_server, client):
    url = feed_server.feed("/feed.xml", BODY)
    first = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(first, Fetched)
    assert first.body == BODY
    second = await fetch_feed(client, url, first.validators, LIMITS, now=NOW)
    assert isinstance(second, NotModified)
    sent = feed_server.hits_for("/feed.xml")[1].headers
    assert sent["If-None-Match"] == first.validators.etag
    assert sent["If-Modified-Since"] == first.validators.last_modified
    assert [hit.status for hit in feed_server.hits_for("/feed.xml")] == [200, 304]


async def test_unchanged_body_without_validators_counts_as_not_modified(feed_server, client):
    url = feed_server.route("/plain.xml", Reply(BODY))
    first = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(first, Fetched)
    assert first.validators.etag is None
    second = await fetch_feed(client, url, first.validators, LIMITS, now=NOW)
    assert isinstance(second, NotModified)
    assert second.validators.body_hash == first.validators.body_hash


async def test_user_agent_and_accept_headers_are_sent(feed_server, client):
    url = feed_server.route("/ua.xml", Reply(BODY))
    await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    headers = feed_server.hits_for("/ua.xml")[0].headers
    assert headers["User-Agent"] == "RightsDigestTest/1 (+https://example.org/contact)"
    assert headers["Accept"].startswith("application/rss+xml")


async def test_permanent_redirect_chain_reports_the_new_url(feed_server, client):
    feed_server.redirect("/old", "/older", 301)
    feed_server.redirect("/older", "/new.xml", 308)
    feed_server.route("/new.xml", Reply(BODY))
    outcome = await fetch_feed(client, feed_server.url("/old"), Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, Fetched)
    assert outcome.moved_to == feed_server.url("/new.xml")


async def test_a_temporary_hop_keeps_the_old_url(feed_server, client):
    feed_server.redirect("/a", "/b", 301)
    feed_server.redirect("/b", "/c.xml", 302)
    feed_server.route("/c.xml", Reply(BODY))
    outcome = await fetch_feed(client, feed_server.url("/a"), Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, Fetched)
    assert outcome.moved_to is None


async def test_redirect_loop_is_a_redirect_error(feed_server, client):
    feed_server.redirect("/loop1", "/loop2", 302)
    feed_server.redirect("/loop2", "/loop1", 302)
    outcome = await fetch_feed(client, feed_server.url("/loop1"), Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.REDIRECTS
    assert len(feed_server.hits_for("/loop1")) + len(feed_server.hits_for("/loop2")) == 6


async def test_a_server_that_never_answers_times_out(feed_server, client):
    url = feed_server.route("/slow.xml", Reply(BODY, delay=30))
    limits = FetchLimits(max_body=LIMITS.max_body, total_timeout=timedelta(seconds=0.3))
    outcome = await fetch_feed(client, url, Validators(), limits, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.TIMEOUT
    assert outcome.message == "no complete answer within 0.3s"


async def test_a_50_mb_body_is_cut_off_at_the_cap(feed_server, client):
    url = feed_server.route("/huge.xml", Reply(stream=endless(b"<rss>" + b"x" * 65531, 50 << 20)))
    tracemalloc.start()
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.TOO_LARGE
    assert peak < 8 * LIMITS.max_body


async def test_a_declared_length_over_the_cap_is_refused_before_reading(feed_server, client):
    url = feed_server.route("/declared.xml", Reply(b"x" * (LIMITS.max_body + 1)))
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.TOO_LARGE


async def test_a_gzip_bomb_never_inflates_past_the_cap(feed_server, client):
    bomb = gzip_bomb(64 << 20)
    url = feed_server.route("/bomb.xml", Reply(bomb, headers={"content-encoding": "gzip"}))
    tracemalloc.start()
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.TOO_LARGE
    assert peak < 8 * LIMITS.max_body  # httpx's own decoder would hold ~64 MiB per chunk


async def test_gzip_bodies_are_decoded(feed_server, client):
    url = feed_server.route(
        "/gz.xml", Reply(gzip.compress(BODY), headers={"content-encoding": "gzip"})
    )
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, Fetched)
    assert outcome.body == BODY


async def test_corrupt_gzip_is_reported(feed_server, client):
    url = feed_server.route(
        "/bad.gz", Reply(b"not gzip at all", headers={"content-encoding": "gzip"})
    )
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.message.startswith("corrupt compressed body")


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (Reply(b"<html>Just a moment...</html>", 503, {"content-type": "text/html"}), 503),
        (Reply(b"<html>hi</html>", 403, {"cf-mitigated": "challenge"}), 403),
    ],
)
async def test_anti_bot_walls_are_named(feed_server, client, reply, status):
    url = feed_server.route("/wall.xml", reply)
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.BLOCKED
    assert outcome.http_status == status


async def test_429_with_retry_after_seconds(feed_server, client):
    url = feed_server.route("/busy.xml", Reply(status=429, headers={"retry-after": "120"}))
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.RATE_LIMITED
    assert outcome.retry_after == NOW + timedelta(seconds=120)


async def test_503_with_retry_after_date(feed_server, client):
    later = NOW + timedelta(hours=2)
    header = format_datetime(later, usegmt=True)
    url = feed_server.route("/maint.xml", Reply(status=503, headers={"retry-after": header}))
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.RATE_LIMITED
    assert outcome.retry_after == later


async def test_503_without_retry_after_is_an_ordinary_error(feed_server, client):
    url = feed_server.route("/down.xml", Reply(status=503))
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.HTTP_ERROR
    assert outcome.message == "HTTP 503 Service Unavailable"


async def test_410_gone(feed_server, client):
    url = feed_server.route("/gone.xml", Reply(status=410))
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.GONE


async def test_connection_refused_is_a_network_error(client):
    with FeedServer() as server:
        url = server.url("/feed.xml")
    outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.NETWORK
    assert outcome.message.startswith("cannot connect")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("60", NOW + timedelta(seconds=60)),
        ("Fri, 27 Nov 2026 13:00:00 GMT", NOW + timedelta(hours=1)),
        ("Fri, 27 Nov 2026 11:00:00 GMT", NOW),  # in the past: now
        ("soon", None),
        ("", None),
        (None, None),
        ("9" * 5000, NOW + timedelta(days=7)),  # int() would refuse it: capped at a week
        ("0" * 5000 + "60", NOW + timedelta(days=7)),
        ("²", None),  # a digit to str.isdigit, not to int()
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected


# About 3 MiB decoded that gzip shrinks well, as real feeds do; and one of exactly LARGE_BODY.
LARGE = b"<rss>" + b"".join(b"<item>story %d</item>" % n for n in range(150_000)) + b"</rss>"
AT_LARGE_BODY = b"<rss>" + b"x" * (LARGE_BODY - 11) + b"</rss>"
ROOMY = FetchLimits(max_body=10 << 20, total_timeout=timedelta(seconds=5))


def serve(server: FeedServer, path: str, body: bytes, *, gzipped: bool) -> str:
    if gzipped:
        return server.route(path, Reply(gzip.compress(body), headers={"content-encoding": "gzip"}))
    return server.route(path, Reply(body))


@pytest.mark.parametrize("gzipped", [False, True])
async def test_a_large_body_waits_once_for_a_place_before_it_is_read_on(
    feed_server, client, gzipped
):
    assert len(LARGE) > 3 * LARGE_BODY
    url = serve(feed_server, "/large.xml", LARGE, gzipped=gzipped)
    asked, granted = asyncio.Event(), asyncio.Event()
    calls = 0

    async def on_large() -> None:
        nonlocal calls
        calls += 1
        asked.set()
        await granted.wait()

    fetching = asyncio.create_task(
        fetch_feed(client, url, Validators(), ROOMY, now=NOW, on_large=on_large)
    )
    await asyncio.wait_for(asked.wait(), 5)
    assert not fetching.done()  # held up until the place is granted
    granted.set()
    outcome = await fetching
    assert isinstance(outcome, Fetched)
    assert outcome.body == LARGE
    assert calls == 1


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("body", [BODY, AT_LARGE_BODY], ids=["small", "exactly-LARGE_BODY"])
async def test_a_body_of_up_to_1_mib_never_waits_for_a_place(feed_server, client, body, gzipped):
    assert len(AT_LARGE_BODY) == LARGE_BODY
    url = serve(feed_server, "/small.xml", body, gzipped=gzipped)
    calls = 0

    async def on_large() -> None:
        nonlocal calls
        calls += 1

    outcome = await fetch_feed(client, url, Validators(), ROOMY, now=NOW, on_large=on_large)
    assert isinstance(outcome, Fetched)
    assert outcome.body == body
    assert calls == 0


async def test_a_compressed_body_is_not_inflated_ahead_of_the_wait(feed_server, client):
    zeros = gzip_bomb(3 * LARGE_BODY)  # a few KiB that one network chunk carries whole
    url = feed_server.route("/zeros.xml", Reply(zeros, headers={"content-encoding": "gzip"}))
    held: list[int] = []

    async def on_large() -> None:
        held.append(tracemalloc.get_traced_memory()[0])

    tracemalloc.start()
    outcome = await fetch_feed(client, url, Validators(), ROOMY, now=NOW, on_large=on_large)
    tracemalloc.stop()
    assert isinstance(outcome, Fetched)
    assert outcome.body == bytes(3 * LARGE_BODY)
    assert len(held) == 1
    assert held[0] < 2 * LARGE_BODY  # the limit and a step, not the 3 MiB the chunk holds


async def test_waiting_for_a_place_does_not_count_against_the_deadline(feed_server, client):
    url = serve(feed_server, "/queued.xml", LARGE, gzipped=True)
    limits = FetchLimits(max_body=ROOMY.max_body, total_timeout=timedelta(seconds=1.5))

    async def on_large() -> None:
        await asyncio.sleep(1.6)  # a queue for a place that outlasts the publisher's deadline

    outcome = await fetch_feed(client, url, Validators(), limits, now=NOW, on_large=on_large)
    assert isinstance(outcome, Fetched)
    assert outcome.body == LARGE


async def test_a_body_over_the_cap_is_refused_after_waiting_once(feed_server, client):
    url = serve(feed_server, "/over.xml", LARGE, gzipped=True)
    calls = 0

    async def on_large() -> None:
        nonlocal calls
        calls += 1

    limits = FetchLimits(max_body=2 * LARGE_BODY, total_timeout=ROOMY.total_timeout)
    outcome = await fetch_feed(client, url, Validators(), limits, now=NOW, on_large=on_large)
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.TOO_LARGE
    assert calls == 1


@pytest.mark.parametrize(
    ("declared", "past"),
    [("1024", False), ("1025", True), ("0" * 5000 + "7", False), ("9" * 5000, True)],
)
def test_a_declared_length_is_compared_without_reading_thousands_of_digits(declared, past):
    assert _exceeds(declared, 1024) is past
