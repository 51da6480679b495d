"""Delivery: the outbox, the sender and the digest tick, against the Bot API stand-in.

The stand-in enforces Telegram's limits (1/s per private chat, 20/min per group, 30/s overall)
and injects the errors a real bot meets; the database is a real SQLite file.
"""

import tomllib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

import jobs.deliver
from bot.app import Services, open_services
from bot.health import Observer
from news.config import Config
from news.store.chats import count_chat_rows, forget_chat, get_chat, subscribe
from news.store.claims import claim_due, mark_sent
from tests.conftest import DATA, REPO, ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.outbox import (
    add_chats,
    eventually,
    feeds_read_before,
    frozen_heap,
    outbox_states,
    received,
    running_sender,
)

FEEDS = DATA / "feeds"
TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
SINCE = T0 - timedelta(days=1)
EBA_TITLE = "Cambodia: EU trade commissioner says Everything But Arms preferences"


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(latency=0.02) as fake:
        yield fake


@pytest.fixture
def config(make_config: ConfigFactory, feed_server: FeedServer) -> Config:
    url = feed_server.feed("/bhrrc.xml", (FEEDS / "bhrrc_cambodia.xml").read_bytes())
    return make_config(
        [feed_entry("BHRRC", url, type="ngo")],
        topics=TOPICS,
        delivery={"coalesce_after": 3, "max_attempts": 3, "retry_base": "100ms"},
    )


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Services]:
    async with open_services(config) as opened:
        await feeds_read_before(opened.db, T0 - timedelta(hours=1))
        yield opened


async def test_500_chats_one_story_each_gets_exactly_one_alert(tg, services):
    # Exactly once, whatever the machine's load. How fast, and how many 429s on the way, is
    # make bench's B2: a loaded machine can make the pacer late, and so a test that times it
    # would fail for the machine, not for the code.
    chats = await add_chats(services.db, range(1, 501), topic="cambodia-eba", since=SINCE)
    for chat in chats:
        tg.add_chat(chat)
    await services.poller.poll_due(T0)
    assert await services.dispatcher.fan_out(T0) == 500
    assert await services.dispatcher.fan_out(T0) == 0  # idempotent
    with frozen_heap():
        async with running_sender(services.db, tg, services.config.delivery):
            await tg.await_for(lambda: len({r.chat_id for r in tg.sent()}) == 500, timeout=60)
    assert all(len(received(tg, chat)) == 1 for chat in chats)
    assert all(EBA_TITLE in received(tg, chat)[0] for chat in chats)
    assert await outbox_states(services.db) == {"sent": 500}


async def test_an_alert_is_not_sent_for_stories_from_before_the_subscription(tg, services):
    await services.poller.poll_due(T0)
    await add_chats(services.db, [7], topic="cambodia-eba", since=T0 + timedelta(minutes=1))
    assert await services.dispatcher.fan_out(T0 + timedelta(minutes=2)) == 0


async def test_a_fan_out_in_several_transactions_still_owes_each_chat_one_alert(
    services, monkeypatch
):
    monkeypatch.setattr(jobs.deliver, "CHUNK", 7)  # 20 chats: three transactions
    await add_chats(services.db, range(1, 21), topic="cambodia-eba", since=SINCE)
    await services.poller.poll_due(T0)
    assert await services.dispatcher.fan_out(T0) == 20
    assert await services.dispatcher.fan_out(T0) == 0
    assert await outbox_states(services.db) == {"pending": 20}


async def test_many_pending_alerts_become_one_batch(tg, services, feed_server):
    tg.add_chat(5)
    await add_chats(services.db, [5], topic="cambodia-eba", since=SINCE)
    items = [
        {
            "title": f"Cambodia EBA review, part {n}: EU weighs trade preferences",
            "link": f"https://e.org/{n}",
        }
        for n in range(5)
    ]
    feed_server.feed("/bhrrc.xml", rss(items[:2]))
    await services.poller.poll_due(T0)
    assert await services.dispatcher.fan_out(T0) == 2  # two alerts: under the limit of 3
    feed_server.feed("/bhrrc.xml", rss(items))
    await services.poller.poll_due(T0 + timedelta(hours=1))
    assert await services.dispatcher.fan_out(T0 + timedelta(hours=1)) == 1  # one batch of 5
    assert await outbox_states(services.db) == {"cancelled": 2, "pending": 1}
    async with running_sender(services.db, tg, services.config.delivery):
        await tg.await_for(lambda: received(tg, 5))
    [batch] = received(tg, 5)
    assert batch.startswith(
        "5 new stories: Cambodia and the EU's Everything But Arms preferences (5)\n\n"
    )
    assert all(f"part {n}" in batch for n in range(5))


async def sent_to(tg: FakeTelegram, services: Services, chats: list[int]) -> Observer:
    """Broadcast the EBA story to ``chats`` and run the sender until every row is settled;
    what the sender counted for /metrics."""
    await add_chats(services.db, chats, topic="cambodia-eba", since=SINCE)
    await services.poller.poll_due(T0)
    await services.dispatcher.fan_out(T0)

    async def settled() -> bool:
        states = await outbox_states(services.db)
        return not states.get("pending") and not states.get("sending")

    async with running_sender(services.db, tg, services.config.delivery) as sender:
        await eventually(settled, within=30)
    return sender.observer


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("block", "Forbidden: bot was blocked by the user"),
        ("deactivate", "Forbidden: user is deactivated"),
        ("forget_chat", "chat not found"),
    ],
)
async def test_a_gone_private_chat_is_closed_and_gets_nothing_more(tg, services, fault, reason):
    tg.add_chat(11)
    getattr(tg, fault)(11)
    await sent_to(tg, services, [11])
    chat = await get_chat(services.db, 11)
    assert chat is not None
    assert (chat.active, await outbox_states(services.db)) == (False, {"cancelled": 1})
    assert received(tg, 11) == []
    await subscribe(services.db, 11, ["cambodia-civil-society"], SINCE)
    assert await services.dispatcher.fan_out(T0 + timedelta(hours=1)) == 0


async def test_a_kicked_group_is_closed(tg, services):
    tg.add_chat(-300, "group")
    tg.kick(-300)
    await sent_to(tg, services, [-300])
    chat = await get_chat(services.db, -300)
    assert chat is not None
    assert not chat.active


async def test_a_group_upgraded_to_a_supergroup_follows_the_new_id(tg, services):
    tg.add_chat(-400, "group")
    tg.migrate(-400, -1000400)
    await sent_to(tg, services, [-400])
    assert EBA_TITLE in received(tg, -1000400)[0]
    assert await get_chat(services.db, -400) is None
    moved = await get_chat(services.db, -1000400)
    assert moved is not None
    assert (moved.type, moved.active) == ("supergroup", True)
    assert await count_chat_rows(services.db, -1000400) == 4  # chat, subscription, row, delivery


async def test_html_telegram_refuses_is_resent_as_plain_text(tg, services):
    tg.add_chat(12)
    tg.fail_next(
        "sendMessage",
        chat_id=12,
        status=400,
        description="Bad Request: can't parse entities: Unsupported start tag at byte offset 3",
    )
    await sent_to(tg, services, [12])
    [record] = tg.sent(12)
    assert record.parse_mode is None
    assert EBA_TITLE in record.text
    assert "<b>" not in record.text
    assert await outbox_states(services.db) == {"sent": 1}


async def test_server_errors_and_dropped_connections_are_retried(tg, services):
    tg.add_chat(13)
    tg.add_chat(14)
    tg.server_error("sendMessage", chat_id=13)
    tg.drop_next("sendMessage", chat_id=14)
    await sent_to(tg, services, [13, 14])
    assert (len(received(tg, 13)), len(received(tg, 14))) == (1, 1)
    assert await outbox_states(services.db) == {"sent": 2}


async def test_a_429_waits_for_that_chat_only_and_costs_no_attempt(tg, services):
    tg.add_chat(15)
    tg.add_chat(16)
    tg.flood(15, retry_after=1, times=3)
    observer = await sent_to(tg, services, [15, 16])
    assert (len(received(tg, 15)), len(received(tg, 16))) == (1, 1)
    first_429 = next(r.at for r in tg.requests if r.status == 429)
    assert tg.sent(16)[0].at < first_429 + 1  # chat 16 did not wait for chat 15's flood
    assert await outbox_states(services.db) == {"sent": 2}
    sample = observer.registry.get_sample_value
    assert sample("rights_digest_sends_total", {"result": "sent"}) == 2
    assert sample("rights_digest_sends_total", {"result": "retry_after"}) == 3
    assert sample("rights_digest_http_429_total") == 3


async def test_after_max_attempts_a_row_is_failed_and_shows_in_stats(tg, services):
    tg.add_chat(17)
    tg.server_error("sendMessage", chat_id=17, times=10)
    await sent_to(tg, services, [17])
    assert await outbox_states(services.db) == {"failed": 1}
    from news.store.stats import gather_stats

    assert (await gather_stats(services.db, T0)).outbox.get("failed") == 1


async def test_forget_removes_pending_messages_too(tg, services):
    await add_chats(services.db, [18], topic="cambodia-eba", since=SINCE)
    await services.poller.poll_due(T0)
    await services.dispatcher.fan_out(T0)
    assert await count_chat_rows(services.db, 18) == 4
    await forget_chat(services.db, 18)
    assert await count_chat_rows(services.db, 18) == 0
    lease = timedelta(seconds=5)
    assert await claim_due(services.db, T0, owner="s", limit=10, lease=lease, busy=set()) == []


async def test_a_lease_that_expires_returns_the_row_to_the_queue(services):
    await add_chats(services.db, [19], topic="cambodia-eba", since=SINCE)
    await services.poller.poll_due(T0)
    await services.dispatcher.fan_out(T0)
    lease = timedelta(seconds=30)
    claim = partial(claim_due, services.db, limit=10, lease=lease, busy=set())
    [claimed] = await claim(T0, owner="first")
    assert await claim(T0 + lease / 2, owner="second") == []
    [again] = await claim(T0 + lease * 2, owner="second")
    assert again.id == claimed.id
    # The first sender was only slow: the row is the second's now, and only it settles it.
    assert not await mark_sent(services.db, claimed.id, 1, T0 + lease * 2, owner="first")
    assert await mark_sent(services.db, again.id, 2, T0 + lease * 2, owner="second")
    assert await outbox_states(services.db) == {"sent": 1}


async def digest_rows(services: Services) -> list[tuple[int, str | None, str]]:
    from sqlalchemy import select

    from news.store.tables import Outbox

    async with services.db.sessions() as session:
        rows = await session.execute(
            select(Outbox.chat_id, Outbox.period, Outbox.text).order_by(Outbox.id)
        )
        return [(chat, period, text) for chat, period, text in rows]


async def test_digests_fall_due_in_each_chats_own_time_zone(services):
    phnom_penh, new_york, weekly = 21, 22, 23
    await add_chats(services.db, [phnom_penh], topic="cambodia-eba", since=SINCE, mode="daily")
    await add_chats(
        services.db,
        [new_york],
        topic="cambodia-eba",
        since=SINCE,
        mode="daily",
        timezone="America/New_York",
    )
    await add_chats(services.db, [weekly], topic="cambodia-eba", since=SINCE, mode="weekly")
    await services.poller.poll_due(T0)  # the story matches at 08:00 UTC on Fri 27 Nov
    tick = services.dispatcher.digest_tick

    # 08:01 UTC: both chats' periods of the 27th fell due before the story: nothing to send.
    assert await tick(T0 + timedelta(minutes=1)) == 0
    # 13:00 UTC is 08:00 in New York: its digest holds the story. Ticking twice changes nothing.
    assert await tick(datetime(2026, 11, 27, 13, 0, tzinfo=UTC)) == 1
    assert await tick(datetime(2026, 11, 27, 13, 0, 30, tzinfo=UTC)) == 0
    # 01:00 UTC on the 28th is 08:00 in Phnom Penh.
    assert await tick(datetime(2026, 11, 28, 0, 59, tzinfo=UTC)) == 0
    assert await tick(datetime(2026, 11, 28, 1, 0, tzinfo=UTC)) == 1
    # The clock jumps back a day: no period is sent twice.
    assert await tick(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)) == 0
    # The weekly chat (Mondays 08:00 Phnom Penh): one digest on Mon 30 Nov, even if the bot
    # was down and this is the first tick since.
    assert await tick(datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == 1
    rows = await digest_rows(services)
    assert [(chat, period) for chat, period, _ in rows] == [
        (new_york, "daily:2026-11-27"),
        (phnom_penh, "daily:2026-11-28"),
        (weekly, "weekly:2026-11-30"),
    ]
    assert rows[0][2].startswith("<b>Daily digest, Fri 27 Nov 2026</b> — 1 story")
    assert EBA_TITLE in rows[0][2]


async def test_a_digest_takes_a_story_still_waiting_for_its_context_link(make_config, feed_server):
    url = feed_server.feed("/bhrrc.xml", (FEEDS / "bhrrc_cambodia.xml").read_bytes())
    feed = feed_entry("BHRRC", url, type="ngo", story_context=True)
    due = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 08:00 in Phnom Penh
    async with open_services(make_config([feed], topics=TOPICS)) as services:
        await feeds_read_before(services.db, due - timedelta(hours=1))
        await add_chats(services.db, [31], topic="cambodia-eba", since=SINCE, mode="daily")
        await add_chats(services.db, [32], topic="cambodia-eba", since=SINCE)
        # Polled three minutes before the digest; its item page has not been read yet.
        await services.poller.poll_due(due - timedelta(minutes=3))
        assert await services.dispatcher.fan_out(due) == 0  # an alert waits for the link
        assert await services.dispatcher.digest_tick(due) == 1  # a digest does not
        [(chat, period, text)] = await digest_rows(services)
        assert (chat, period) == (31, "daily:2026-11-28")
        item = "https://www.business-humanrights.org/en/latest-news/cambodia-eu-trade-commissioner"
        assert f'<b><a href="{item}-eba-review/">{EBA_TITLE}' in text
        assert await services.dispatcher.fan_out(due + jobs.deliver.CONTEXT_WAIT) == 1


async def test_an_empty_period_sends_nothing(services):
    await add_chats(services.db, [24], topic="cambodia-civil-society", since=T0, mode="daily")
    assert await services.dispatcher.digest_tick(datetime(2026, 11, 28, 1, 0, tzinfo=UTC)) == 0
    assert await digest_rows(services) == []


async def test_discreet_mode_starts_with_a_neutral_line(tg, services):
    await add_chats(services.db, [25], topic="cambodia-eba", since=SINCE)
    from news.store.chats import update_chat

    await update_chat(services.db, 25, discreet=True)
    await services.poller.poll_due(T0)
    await services.dispatcher.fan_out(T0)
    [(_, _, text)] = await digest_rows(services)
    assert text.startswith("New story\n<tg-spoiler>")
    tg.add_chat(25)
    async with running_sender(services.db, tg, services.config.delivery):
        await tg.await_for(lambda: received(tg, 25))
    assert received(tg, 25)[0].startswith("New story\n")


async def test_quiet_hours_hold_alerts_and_send_one_batch_when_they_end(services):
    quiet, normal = 31, 32
    await add_chats(services.db, [quiet, normal], topic="cambodia-civil-society", since=SINCE)
    for chat in (quiet, normal):
        await subscribe(services.db, chat, ["cambodia-eba"], SINCE)
    from news.store.chats import update_chat

    # Phnom Penh is UTC+7: T0 is 15:00 there, inside these (afternoon) quiet hours.
    await update_chat(services.db, quiet, quiet_hours="13:00-16:00")
    await services.poller.poll_due(T0)  # two stories, one for each topic
    assert await services.dispatcher.fan_out(T0) == 2  # the other chat: two alerts
    assert {chat for chat, _, _ in await digest_rows(services)} == {normal}
    assert await services.dispatcher.fan_out(T0 + timedelta(minutes=59)) == 0
    assert await services.dispatcher.fan_out(T0 + timedelta(hours=1)) == 1  # 16:00
    [(_, _, batch)] = [row for row in await digest_rows(services) if row[0] == quiet]
    assert "Everything But Arms" in batch
    assert "registration checks" in batch


async def test_a_silent_chat_gets_its_pushes_without_sound(tg, services):
    await add_chats(services.db, [33, 34], topic="cambodia-eba", since=SINCE)
    from news.store.chats import update_chat

    await update_chat(services.db, 33, silent=True)
    await services.poller.poll_due(T0)
    await services.dispatcher.fan_out(T0)
    for chat in (33, 34):
        tg.add_chat(chat)
    async with running_sender(services.db, tg, services.config.delivery):
        await tg.await_for(lambda: received(tg, 33) and received(tg, 34))
    assert [(r.chat_id, r.disable_notification) for r in tg.sent()] == [(33, True), (34, False)]
