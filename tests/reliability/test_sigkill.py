"""Seeded kill -9 trials of the real `rights-digest run`: nothing lost, repeats only in flight.

Poll: a dry run (no token) polling 24 feeds is killed at seeded moments of its first cycle
and started again on the same database, until a run ends its cycle; every item is then
stored exactly once. Fan-out, digest tick and send: the bot, with stories already stored,
250 instant chats and 100 daily chats whose digest is due, is killed at seeded moments
after it starts (the fan-out and the digest tick run at once, sending follows) and started
again, 20 times, then left to finish. Every chat must get its alert or digest, every outbox
row must end sent, and a chat may get a message twice only if, at a kill, Telegram had
received it and the outbox had not yet recorded it (the messages in flight), counted from
the database as each kill left it.
"""

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_services
from news.config import load_config
from tests.conftest import DATA, REPO, restamp
from tests.fakes.feed_server import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.outbox import add_chats, feeds_read_before, outbox_states
from tests.rows import rows, unrecorded_deliveries

pytestmark = pytest.mark.slow
SEED = 20261207
FEEDS = 24
ITEMS = 40
INSTANT, DAILY = 250, 100
TOPICS = (
    (REPO / "config.example.toml").read_text(encoding="utf-8").split("# Topics. Subscribers")[1]
)


def write_config(
    tmp_path: Path, feeds: list[str], database_url: str, api: str = "http://127.0.0.1:9"
) -> Path:
    lines = [
        "[storage]",
        f'database_url = "{database_url}"',
        "[polling]",
        "parse_workers = 0",
        "[telegram]",
        f'api_base_url = "{api}"',
        "[delivery]",
        'lease = "5s"',
        "[roles]",  # a restart after kill -9 sends once the killed run's lease runs out
        'lease = "5s"',
    ]
    for n, url in enumerate(feeds):
        lines += ["[[feeds]]", f'name = "Feed {n}"', f'url = "{url}"', 'type = "ngo"']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n# Topics. Subscribers" + TOPICS, encoding="utf-8")
    return path


def start(config: Path, log: Path, token: str | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env |= {"PYTHONUNBUFFERED": "1"} | ({"TELEGRAM_BOT_TOKEN": token} if token else {})
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=out,
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> None:
    """The trial itself: SIGKILL at a seeded moment of the process's life, whatever it is
    doing then (it never ends on its own)."""
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)
    kill(process)


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


def item(feed: int, n: int) -> dict[str, str]:
    return {
        "title": f"Feed {feed} story {n}",
        "link": f"https://news{feed}.example.org/story/{n}",
        "guid": f"{feed}-{n}",
        "description": "Officials met on Tuesday. " * 20,
    }


async def test_kill_9_during_the_first_poll_loses_and_repeats_no_item(tmp_path, database_url):
    chance = random.Random(SEED)
    with FeedServer() as server:
        urls = [
            server.feed(f"/f{n}.xml", rss([item(n, i) for i in range(ITEMS)]))
            for n in range(FEEDS)
        ]
        config = write_config(tmp_path, urls, database_url)
        log = tmp_path / "poll.log"
        for _trial in range(10):
            kill_after(start(config, log), chance.uniform(0.5, 2.5))
        process = start(config, log)
        try:
            await server_polled_all(database_url, process, log)
        finally:
            kill(process)
    database = database_url
    assert rows(database, "SELECT COUNT(*) FROM entries") == [(FEEDS * ITEMS,)]
    assert rows(database, "SELECT COUNT(DISTINCT feed_id || '/' || key) FROM entries") == [
        (FEEDS * ITEMS,)
    ]
    assert rows(database, "SELECT COUNT(*) FROM stories") == [(FEEDS * ITEMS,)]


async def server_polled_all(database: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until every feed has a stored cycle (the bot is another process: its database is
    read). A deadline for a stuck bot, not a timing: a loaded machine may take minutes."""
    for _ in range(3000):
        if process.poll() is not None:
            raise AssertionError(f"the bot exited: {tail(log)}")
        done = rows(database, "SELECT COUNT(*) FROM feeds WHERE last_status = 'ok'")
        if done == [(FEEDS,)]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"feeds polled: {done}; log: {tail(log)}")


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(latency=0.03, implicit_chats=True) as fake:
        yield fake


async def test_kill_9_during_fan_out_digests_and_sending(tmp_path, tg, database_url):
    chance = random.Random(SEED + 1)
    now = datetime.now(UTC)
    cambodia = restamp(
        (DATA / "feeds" / "bhrrc_cambodia.xml").read_bytes(), now - timedelta(hours=2)
    )
    with FeedServer() as server:
        feeds = [server.feed("/b.xml", cambodia)]
        config_path = write_config(tmp_path, feeds, database_url, tg.base_url)
        config = load_config(config_path)
        due = (now - timedelta(minutes=1)).strftime("%H:%M")  # today's digest: due now
        async with open_services(config) as services:
            # Matched ten minutes ago, before today's digest fell due a minute ago: a story
            # matched after a digest's time waits for the next one.
            await feeds_read_before(services.db, now - timedelta(hours=1))
            await services.poller.poll_due(now - timedelta(minutes=10))
            since = now - timedelta(days=1)
            await add_chats(services.db, range(1, INSTANT + 1), topic="cambodia-eba", since=since)
            await add_chats(
                services.db,
                range(10_001, 10_001 + DAILY),
                topic="cambodia-eba",
                since=since,
                mode="daily",
                digest_time=due,
                timezone="UTC",
            )
        database = database_url
        log = tmp_path / "bot.log"
        in_flight = []
        for _trial in range(20):
            kill_after(start(config_path, log, tg.token), chance.uniform(0.3, 2.0))
            in_flight.append(unrecorded_deliveries(database, delivered(tg)))
        process = start(config_path, log, tg.token)
        try:
            chats = INSTANT + DAILY
            await tg.await_for(lambda: len({r.chat_id for r in tg.sent()}) == chats, timeout=120)
            await tg.await_for(lambda: not unsent(database), timeout=60)
        finally:
            kill(process)

    per_chat = Counter(r.chat_id for r in tg.sent() if r.method == "sendMessage")
    assert set(per_chat) == set(range(1, INSTANT + 1)) | set(range(10_001, 10_001 + DAILY))
    repeats = sum(n - 1 for n in per_chat.values())
    assert repeats <= sum(in_flight)  # only what Telegram had and the outbox had not recorded
    async with open_services(config) as services:
        assert set(await outbox_states(services.db)) == {"sent"}


def unsent(database: str) -> list[tuple[object, ...]]:
    return rows(database, "SELECT id FROM outbox WHERE state != 'sent'")


def delivered(tg: FakeTelegram) -> set[int]:
    return {r.chat_id for r in tg.sent() if r.method == "sendMessage"}
