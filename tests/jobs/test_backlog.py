"""Old news is never pushed: a feed's archive, old items a known feed adds, 80 feeds at once.

/latest lists all of them; alerts and digests carry only what became news in their window.
"""

import re
import tomllib
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

from sqlalchemy import func, select

from bot.app import Services, apply_config, open_services
from news.store.listing import latest_stories
from news.store.tables import Outbox
from tests.conftest import DATA, REPO, ConfigFactory, feed_entry, restamp
from tests.fakes.feed_server import FeedServer, rss
from tests.outbox import add_chats, feeds_read_before

TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
SINCE = T0 - timedelta(days=30)
BHRRC = (DATA / "feeds" / "bhrrc_cambodia.xml").read_bytes()


def eba_item(key: str, when: datetime) -> dict[str, str]:
    return {
        "title": f"Cambodia: Everything But Arms review, part {key}",
        "link": f"https://news.example/{key}",
        "description": "The EU reviewed Cambodia's Everything But Arms trade preferences.",
        "date": format_datetime(when),
    }


async def outbox_rows(services: Services) -> dict[int, int]:
    """How many outbox rows each chat has."""
    query = select(Outbox.chat_id, func.count()).group_by(Outbox.chat_id)
    async with services.db.sessions() as session:
        rows = await session.execute(query)
        return {int(chat): int(n) for chat, n in rows}


async def test_a_feeds_first_read_is_listed_never_pushed(make_config: ConfigFactory, feed_server):
    url = feed_server.feed("/bhrrc.xml", BHRRC)
    config = make_config([feed_entry("BHRRC", url, type="ngo")], topics=TOPICS)
    async with open_services(config) as services:
        await add_chats(services.db, [1], topic="cambodia-eba", since=SINCE)
        await add_chats(services.db, [2], topic="cambodia-eba", since=SINCE, mode="daily")
        await services.poller.poll_due(T0)
        assert await services.dispatcher.fan_out(T0) == 0
        assert await services.dispatcher.digest_tick(T0 + timedelta(days=1)) == 0
        listed = await latest_stories(services.db, ["cambodia-eba"], limit=5)
        assert [s.title[:40] for s in listed] == ["Cambodia: EU trade commissioner says Eve"]


async def test_a_known_feed_adding_an_old_item_pushes_only_the_new_one(
    make_config: ConfigFactory, feed_server
):
    url = feed_server.feed("/f.xml", rss([eba_item("a", T0 - timedelta(hours=3))]))
    config = make_config([feed_entry("Wire", url)], topics=TOPICS)
    async with open_services(config) as services:
        await add_chats(services.db, [1], topic="cambodia-eba", since=SINCE)
        await services.poller.poll_due(T0)  # the first read: stored, not pushed
        later = T0 + timedelta(hours=1)
        old, new = eba_item("2019", datetime(2019, 3, 1, tzinfo=UTC)), eba_item("b", later)
        feed_server.feed("/f.xml", rss([eba_item("a", T0 - timedelta(hours=3)), old, new]))
        await services.poller.poll_due(later)
        assert await services.dispatcher.fan_out(later) == 1
        async with services.db.sessions() as session:
            texts = list(await session.scalars(select(Outbox.text)))
        assert [("part b" in t) for t in texts] == [True]


async def test_an_aggregator_relaying_an_older_article_today_is_news(
    make_config: ConfigFactory, feed_server
):
    # BHRRC posts on 26 Nov an article The Mekong Ledger ran on 23 Nov: the credit line says
    # 23 Nov, and the alert goes out, because it became news in the feed on the 26th.
    url = feed_server.feed("/bhrrc.xml", BHRRC)
    config = make_config([feed_entry("BHRRC", url, type="ngo")], topics=TOPICS)
    async with open_services(config) as services:
        await feeds_read_before(services.db, T0 - timedelta(days=1))
        await add_chats(services.db, [1], topic="cambodia-eba", since=SINCE)
        await services.poller.poll_due(T0)
        assert await services.dispatcher.fan_out(T0) == 1
        [story] = await latest_stories(services.db, ["cambodia-eba"], limit=1)
        assert story.published.date() == date(2026, 11, 23)


async def test_eighty_feeds_added_to_a_running_bot_send_nothing_old(
    make_config: ConfigFactory, feed_server: FeedServer
):
    """The issue's target: 80 feeds with 40 old items each, 100 instant and 100 daily chats:
    0 old stories pushed; one fresh item in each feed still reaches every chat."""
    known = feed_server.feed("/bhrrc.xml", restamp(BHRRC, T0 - timedelta(days=40)))
    base = [feed_entry("BHRRC", known, type="ngo")]
    async with open_services(make_config(base, topics=TOPICS)) as services:
        await add_chats(services.db, range(1, 101), topic="cambodia-eba", since=SINCE)
        await add_chats(
            services.db, range(101, 201), topic="cambodia-eba", since=SINCE, mode="daily"
        )
        await services.poller.poll_due(T0 - timedelta(days=1))
        archive = [
            eba_item(f"{f}-{i}", datetime(2019 + i % 7, 1 + i % 12, 3, tzinfo=UTC))
            for f in range(80)
            for i in range(40)
        ]
        urls = [
            feed_server.feed(f"/f{f}.xml", rss(archive[f * 40 : f * 40 + 40])) for f in range(80)
        ]
        added = base + [feed_entry(f"Feed {f}", u) for f, u in enumerate(urls)]
        await apply_config(services, make_config(added, topics=TOPICS))
        await services.poller.poll_due(T0)
        assert await services.dispatcher.fan_out(T0) == 0
        assert await services.dispatcher.digest_tick(T0 + timedelta(hours=1)) == 0
        assert await outbox_rows(services) == {}

        fresh_at = T0 + timedelta(hours=2)
        for f, _ in enumerate(urls):
            items = [eba_item(f"fresh-{f}", fresh_at), *archive[f * 40 : f * 40 + 40]]
            feed_server.feed(f"/f{f}.xml", rss(items))
        await services.poller.poll_due(fresh_at)
        assert await services.dispatcher.fan_out(fresh_at) > 0
        assert set(await outbox_rows(services)) == set(range(1, 101))
        assert await services.dispatcher.digest_tick(fresh_at + timedelta(days=1)) > 0
        assert set(await outbox_rows(services)) == set(range(1, 201))
        async with services.db.sessions() as session:
            texts = "\n".join(await session.scalars(select(Outbox.text)))
        assert re.findall(r"part \d+-\d+", texts) == []  # no archive item, anywhere
        assert len(set(re.findall(r"part fresh-\d+", texts))) == 80
