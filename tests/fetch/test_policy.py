"""Where content may send the bot: the outbound policy's rules, then real redirects on loopback.

Feed URLs are the admin's; redirects and item links come from publishers, and may reach only
public addresses, the feed's own origin, or hosts the admin allows.
"""

import ssl
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import trustme

from news.fetch.context import resolve_context
from news.fetch.feed import Fetched, FetchFailed, FetchLimits, fetch_feed
from news.fetch.policy import STRICT, OutboundPolicy
from news.models import FeedStatus, Validators
from tests.fakes.feed_server import FeedServer, Reply, rss

FEED = "https://news.example.org/feed.xml"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LIMITS = FetchLimits(max_body=1024 * 1024, total_timeout=timedelta(seconds=5))
BODY = rss([{"title": "One", "link": "https://example.org/1", "guid": "1"}])


def answers(*addresses: str):
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


async def no_dns(host: str, port: int) -> list[str]:
    raise OSError("no such name")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/admin/delete-everything?confirm=yes",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0:9000/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://localhost:5000/",
        "http://printer.local/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://news.example.org/x",
        "gopher://news.example.org/x",
    ],
)
async def test_content_may_not_send_the_bot_to_a_private_place_or_another_scheme(url):
    assert await STRICT.refusal(url, origin=FEED, resolve=answers("93.184.216.34")) is not None


async def test_a_name_is_judged_by_every_address_it_resolves_to():
    url = "https://innocent.example.net/story"
    assert await STRICT.refusal(url, origin=FEED, resolve=answers("93.184.216.34")) is None
    mixed = answers("93.184.216.34", "10.1.2.3")
    assert await STRICT.refusal(url, origin=FEED, resolve=mixed) == (
        "innocent.example.net resolves to a private address (10.1.2.3)"
    )
    assert await STRICT.refusal(url, origin=FEED, resolve=no_dns) is None  # fails on its own


async def test_the_feeds_own_origin_and_the_admins_hosts_are_allowed():
    local_feed = "http://127.0.0.1:8080/feed.xml"
    same_origin = "http://127.0.0.1:8080/item/1"
    assert await STRICT.refusal(same_origin, origin=local_feed) is None
    assert await STRICT.refusal("http://127.0.0.1:8081/", origin=local_feed) is not None
    intranet = OutboundPolicy(frozenset({"mirror.intranet"}))
    private = answers("10.0.0.7")
    assert await intranet.refusal("http://mirror.intranet/x", origin=FEED, resolve=private) is None
    assert await STRICT.refusal("http://mirror.intranet/x", origin=FEED, resolve=private)


async def test_https_never_goes_down_to_plain_http_even_on_the_same_host():
    reason = await STRICT.refusal(
        "http://news.example.org/feed.xml", origin=FEED, previous=FEED, resolve=answers("1.1.1.1")
    )
    assert reason == "a redirect from https to plain http (readable on the way) is not followed"
    upgrade = await STRICT.refusal(
        FEED, origin=FEED, previous="http://news.example.org/feed.xml", resolve=answers("1.1.1.1")
    )
    assert upgrade is None


async def test_a_redirect_to_another_loopback_server_is_refused_and_not_remembered(
    feed_server, client
):
    with FeedServer() as other:
        other.route("/admin/delete-everything", Reply(BODY))
        target = other.url("/admin/delete-everything?confirm=yes")
        feed_server.redirect("/feed.xml", target, 301)
        outcome = await fetch_feed(
            client, feed_server.url("/feed.xml"), Validators(), LIMITS, now=NOW
        )
        assert other.hits == []
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.REDIRECTS
    assert outcome.moved_to is None
    assert "127.0.0.1 is a private address" in outcome.message


async def test_an_allowed_host_is_followed_without_the_feeds_credentials(feed_server, client):
    with FeedServer() as other:
        other.route("/moved.xml", Reply(BODY))
        feed_server.redirect("/feed.xml", other.url("/moved.xml"), 301)
        url = feed_server.url("/feed.xml").replace("http://", "http://reader:secret@")
        allowed = OutboundPolicy(frozenset({"127.0.0.1"}))
        outcome = await fetch_feed(client, url, Validators(), LIMITS, now=NOW, policy=allowed)
        [hit] = other.hits
    assert isinstance(outcome, Fetched)
    assert outcome.moved_to == other.url("/moved.xml")
    assert "authorization" not in {name.lower() for name in hit.headers}
    [first] = feed_server.hits_for("/feed.xml")
    assert "authorization" in {name.lower() for name in first.headers}  # the feed's own host


async def test_an_item_link_to_another_local_server_is_never_requested(feed_server, client):
    with FeedServer() as other:
        other.route("/admin/delete-everything", Reply(b"deleted"))
        item = other.url("/admin/delete-everything?confirm=yes")
        feed = feed_server.feed("/feed.xml", rss([{"title": "T", "link": item}]))
        result = await resolve_context(client, item, time_limit=timedelta(seconds=5), origin=feed)
        assert other.hits == []
    assert result.context_url is None
    assert result.retry is False
    assert result.error == "not requested: 127.0.0.1 is a private address"


async def test_a_redirect_from_https_to_http_is_not_followed_over_real_tls():
    authority = trustme.CA()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(tls)
    with FeedServer(tls=tls) as secure, FeedServer() as plain:
        plain.route("/feed.xml", Reply(BODY))
        secure.redirect("/feed.xml", plain.url("/feed.xml"), 301)
        trusting = ssl.create_default_context()
        authority.configure_trust(trusting)
        async with httpx.AsyncClient(verify=trusting) as client:
            outcome = await fetch_feed(
                client, secure.url("/feed.xml"), Validators(), LIMITS, now=NOW
            )
            [hit] = secure.hits_for("/feed.xml")  # the https request was made and answered
        assert plain.hits == []
    assert hit.status == 301
    assert isinstance(outcome, FetchFailed)
    assert outcome.status is FeedStatus.REDIRECTS
    assert outcome.moved_to is None
    assert "from https to plain http" in outcome.message
