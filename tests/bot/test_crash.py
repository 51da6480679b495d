"""Kill -9 during a broadcast: every chat still gets the story, at most once more per kill.

A real `rights-digest run` subprocess sends to the Bot API stand-in; the test kills it with
SIGKILL at several points and starts it again on the same database.
"""

import os
import signal
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_services
from news.config import load_config
from tests.conftest import DATA, REPO, restamp
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.outbox import add_chats, feeds_read_before, outbox_states
from tests.rows import unrecorded_deliveries

pytestmark = pytest.mark.slow
FEEDS = DATA / "feeds"
CHATS = 300
KILL_AFTER = (40, 150)  # messages the stand-in has received when we pull the plug


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(latency=0.02, implicit_chats=True) as fake:
        yield fake


def write_config(tmp_path: Path, tg: FakeTelegram, feed_url: str, database_url: str) -> Path:
    example = tomllib.loads((REPO / "config.example.toml").read_text(encoding="utf-8"))
    topics = (
        (REPO / "config.example.toml")
        .read_text(encoding="utf-8")
        .split("# Topics. Subscribers", 1)[1]
    )
    assert example["topics"]
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[storage]
database_url = "{database_url}"
[telegram]
api_base_url = "{tg.base_url}"
[polling]
parse_workers = 0
[delivery]
lease = "5s"
[[feeds]]
name = "BHRRC"
url = "{feed_url}"
type = "ngo"
# Topics. Subscribers{topics}""",
        encoding="utf-8",
    )
    return path


def start_bot(config: Path, tg: FakeTelegram, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.token, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def sends(tg: FakeTelegram) -> int:
    return sum(1 for r in tg.sent() if r.method == "sendMessage")


async def test_sigkill_mid_broadcast_loses_nothing(tmp_path, tg, database_url):
    with FeedServer() as feeds:
        now = datetime.now(UTC)
        document = restamp((FEEDS / "bhrrc_cambodia.xml").read_bytes(), now - timedelta(hours=2))
        url = feeds.feed("/bhrrc.xml", document)
        config_path = write_config(tmp_path, tg, url, database_url)
        config = load_config(config_path)
        async with open_services(config) as services:
            await feeds_read_before(services.db, now - timedelta(hours=1))
            await add_chats(
                services.db,
                range(1, CHATS + 1),
                topic="cambodia-eba",
                since=now - timedelta(days=1),
            )
            await services.poller.poll_due(now)
            assert await services.dispatcher.fan_out(now) == CHATS

        in_flight = 0  # messages Telegram had and the outbox had not recorded, at each kill
        for run, threshold in enumerate(KILL_AFTER):
            bot = start_bot(config_path, tg, tmp_path / f"run{run}.log")
            await tg.await_for(lambda threshold=threshold: sends(tg) >= threshold, timeout=60)
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
            in_flight += unrecorded_deliveries(database_url, {r.chat_id for r in tg.sent()})
        log = tmp_path / "last.log"
        bot = start_bot(config_path, tg, log)
        try:
            await tg.await_for(lambda: len({r.chat_id for r in tg.sent()}) == CHATS, timeout=90)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
        assert bot.returncode == 0, log.read_text()[-2000:]

    per_chat = Counter(r.chat_id for r in tg.sent() if r.method == "sendMessage")
    assert set(per_chat) == set(range(1, CHATS + 1))
    duplicates = sum(n - 1 for n in per_chat.values())
    assert max(per_chat.values()) <= 1 + len(KILL_AFTER)
    # Only what was in flight at each kill: how many that is depends on how far the settling
    # lagged the sending (a loaded machine lags more), so it is counted, not assumed.
    assert duplicates <= in_flight
    async with open_services(config) as services:
        assert await outbox_states(services.db) == {"sent": CHATS}
