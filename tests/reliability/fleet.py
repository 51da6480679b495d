"""Several real ``rights-digest run --role …`` processes on one PostgreSQL database.

Two pollers, an active and a standby sender, one ``updates`` and one ``schedule`` process;
feeds on a loopback publisher that counts fetches, chats seeded in the database, the Bot API
stand-in in a process of its own with Telegram's limits on. Midway through the broadcast the
active sender is killed (SIGKILL): the standby takes over once the lease runs out.

Used by the slow test (``test_processes.py``), which asserts what must hold, and by bench B7
(``bench/b7_processes.py``), which reports the rates it ran at.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bench.telegram_process import RemoteTelegram
from bot.app import open_services
from news.config import load_config
from tests.conftest import REPO
from tests.fakes.feed_server import FeedServer, rss
from tests.outbox import add_chats, feeds_read_before
from tests.rows import rows

TOPICS = (
    (REPO / "config.example.toml").read_text(encoding="utf-8").split("# Topics. Subscribers")[1]
)
ITEMS = 2  # per feed; the first feed's first item is the story every chat follows
LEASE = "5s"  # the leaders' and the outbox's: a short wait for the takeover
MATCHING = {
    "title": "Cambodia: EU weighs Everything But Arms trade preferences",
    "description": "Cambodia's garment exports and the EU's Everything But Arms scheme. " * 5,
}


@dataclass
class Fleet:
    """What a run left: counts from the stand-in, the publisher and the database."""

    chats: int
    feeds: int
    per_chat: Counter[int] = field(default_factory=Counter)
    in_flight: int = 0  # messages Telegram had and the outbox did not record, at the kill
    fetches: Counter[str] = field(default_factory=Counter)  # per feed path
    stories: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    standby_led: bool = False
    takeover_s: float = 0.0  # the longest pause between two sends after the kill
    rates: dict[str, object] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.per_chat.values())


def item(feed: int, n: int, at: datetime) -> dict[str, str]:
    words = (
        MATCHING
        if (feed, n) == (0, 0)
        else {
            "title": f"Feed {feed} story {n}: a provincial court hears a land case",
            "description": "Villagers and the company met in court on Tuesday. " * 5,
        }
    )
    return words | {
        "link": f"https://news{feed}.example.org/story/{n}",
        "guid": f"{feed}-{n}",
        "date": format_datetime(at),
    }


def write_config(tmp: Path, feeds: list[str], database_url: str, api: str, **delivery: object):
    lines = [
        "[storage]", f'database_url = "{database_url}"',
        "[polling]", "parse_workers = 0",
        "[telegram]", f'api_base_url = "{api}"',
        "[delivery]", f'lease = "{LEASE}"', *(f"{k} = {v}" for k, v in delivery.items()),
        "[roles]", f'lease = "{LEASE}"',
    ]  # fmt: skip
    for n, url in enumerate(feeds):
        lines += ["[[feeds]]", f'name = "Feed {n}"', f'url = "{url}"', 'type = "ngo"']
    path = tmp / "config.toml"
    path.write_text("\n".join(lines) + "\n# Topics. Subscribers" + TOPICS, encoding="utf-8")
    return path


class Processes:
    """The fleet's processes, each logging to a file of its own; all stopped at the end."""

    def __init__(self, config: Path, tmp: Path, token: str) -> None:
        self.config, self.tmp, self.token = config, tmp, token
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, role: str) -> None:
        env = os.environ | {"PYTHONUNBUFFERED": "1", "TELEGRAM_BOT_TOKEN": self.token}
        with self.log(name).open("ab") as out:
            self.running[name] = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run", "--role", role, "--config",
                 str(self.config)],
                cwd=REPO, env=env, stdout=out, stderr=out,
            )  # fmt: skip

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def says(self, name: str, text: str) -> bool:
        return text in self.log(name).read_text(errors="replace")

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                tail = self.log(name).read_text(errors="replace")[-3000:]
                raise AssertionError(f"{name} exited ({process.returncode}): {tail}")

    def kill(self, name: str) -> None:
        process = self.running.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running.values():
            process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()


async def until(check, processes: Processes, *, within: float, what: str) -> None:
    """Until ``check()`` holds: a deadline for a stuck fleet, not a timing (a loaded machine
    may take minutes)."""
    deadline = time.monotonic() + within
    while not check():
        processes.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what} after {within:.0f}s")
        await asyncio.sleep(0.2)  # a polling interval, not a timing assumption


async def run_fleet(
    tmp: Path,
    database_url: str,
    tg: RemoteTelegram,
    *,
    feeds: int = 500,
    chats: int = 5000,
    kill_at: int = 1500,
    **delivery: object,
) -> Fleet:
    """The whole scenario; ``kill_at``: chats reached when the active sender is killed."""
    fleet = Fleet(chats, feeds)
    now = datetime.now(UTC)
    with FeedServer() as server:
        urls = [
            server.feed(f"/f{n}.xml", rss([item(n, i, now - timedelta(minutes=30)) for i in
                                           range(ITEMS)]))
            for n in range(feeds)
        ]  # fmt: skip
        config_path = write_config(tmp, urls, database_url, tg.base_url, **delivery)
        async with open_services(load_config(config_path)) as services:  # migrated, feeds in
            await feeds_read_before(services.db, now - timedelta(hours=1))  # so: news
            await add_chats(
                services.db, range(1, chats + 1), topic="cambodia-eba", since=now - timedelta(1)
            )
        fleet_processes = Processes(config_path, tmp, tg.token)
        try:
            await _run(fleet, fleet_processes, database_url, tg, kill_at)
        finally:
            fleet_processes.stop_all()
        fleet.fetches = Counter(
            {f"/f{n}.xml": len(server.hits_for(f"/f{n}.xml")) for n in range(feeds)}
        )
    fleet.per_chat = Counter(chat for chat, _ in await tg.delivered() if chat <= chats)
    fleet.rates = await tg.sends(1, chats)
    [(stories,)] = rows(database_url, "SELECT COUNT(*) FROM stories")
    fleet.stories = int(str(stories))
    fleet.outbox = {str(s): int(str(n)) for s, n in rows(database_url, OUTBOX_STATES)}
    return fleet


OUTBOX_STATES = "SELECT state, COUNT(*) FROM outbox GROUP BY state"


async def _run(
    fleet: Fleet, processes: Processes, database_url: str, tg: RemoteTelegram, kill_at: int
) -> None:
    processes.start("send-a", "send")
    await until(lambda: processes.says("send-a", "leading send"), processes, within=120,
                what="the first sender to lead")  # fmt: skip
    processes.start("send-b", "send")
    processes.start("schedule", "schedule")
    processes.start("updates", "updates")
    processes.start("poll-1", "poll")
    processes.start("poll-2", "poll")
    await tg.wait_reached(kill_at, within=900)
    processes.kill("send-a")
    killed = time.monotonic()
    delivered = {chat for chat, _ in await tg.delivered()}
    unsent = rows(database_url, "SELECT chat_id FROM outbox WHERE state != 'sent'")
    fleet.in_flight = len(delivered & {int(str(chat)) for (chat,) in unsent})
    await tg.wait_chats(1, fleet.chats, within=1800)
    await until(lambda: not rows(database_url, "SELECT id FROM outbox WHERE state != 'sent'"),
                processes, within=300, what="every outbox row to be settled")  # fmt: skip
    fleet.standby_led = processes.says("send-b", "leading send")
    pushes = [at for chat, at in await tg.delivered() if chat <= fleet.chats]  # not replies
    times = sorted(at for at in pushes if at >= killed)
    fleet.takeover_s = max(
        (b - a for a, b in zip([killed, *times], times, strict=False)), default=0.0
    )
