"""B5 footprint: `rights-digest run` on the B3 database (100,000 stories, 10,000 chats) with
500 feeds. Measures start to first getUpdates, and resident memory once idle. Baseline in the
same run: a bare PTB application with one handler (bench/b5_bare.py) against the same stand-in.

    python -m bench.b5_footprint
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.b1_poll import HOSTS, LATENCY, build_feeds, content_type
from bench.common import REPO, TreeMemory, rss_mb, tree_pids, write_result
from bench.fixtures import example_topics, seed_stories
from bot.app import open_services
from news.config import parse_config
from tests.fakes.feed_server import FeedServer, Reply
from tests.fakes.telegram import FakeTelegram
from tests.outbox import add_chats

NOW = datetime.now(UTC)
READY_CHAT = 424242  # queues a command before launch, to time the first reply
SETTLE = 10.0  # seconds of quiet after the first poll cycle ends before reading "idle" memory


def write_config(tmp: Path, urls: list[str], tg: FakeTelegram) -> Path:
    feeds = "".join(
        f'[[feeds]]\nname = "Feed {n}"\nurl = "{u}"\ntype = "independent media"\n\n'
        for n, u in enumerate(urls)
    )
    text = (
        f'[storage]\ndatabase_url = "sqlite+aiosqlite:///{tmp / "b5.db"}"\n'
        f'[telegram]\napi_base_url = "{tg.base_url}"\n\n{feeds}'
    )
    path = tmp / "config.toml"
    path.write_text(text)
    return path


async def seed(config_path: Path, text: str) -> None:
    raw = tomllib.loads(text)
    raw["topics"] = example_topics()
    config = parse_config(raw, base_dir=config_path.parent, environ={})
    async with open_services(config) as services:
        await seed_stories(
            services.db, 100_000, ["cambodia-eba", "cambodia-civil-society"], until=NOW
        )
        # Steady state: the chats have had every stored story (subscribed now, for the
        # database's purposes), and take the example config's daily digest, due at another
        # hour: after its first poll cycle the bot is idle, which is what B5 measures.
        # (Subscribed 40 days ago as instant chats, they would be owed two days of a
        # synthetic topic matching 1,600 stories a day.)
        await add_chats(
            services.db, range(1, 10_001), topic="cambodia-eba", since=NOW, mode="daily"
        )


def is_resource_tracker(pid: int) -> bool:
    """multiprocessing's helper process (spawned beside the parsers), not a parser."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def ready_times(tg: FakeTelegram, before: int, sent: int, started: float) -> dict[str, float]:
    """Seconds from launch to the first getUpdates and to the reply to the waiting command.

    A command is queued before launch, so the first getUpdates returns at once: the stand-in
    logs a request when it answers, and an empty long poll would answer 10 s late."""
    tg.wait_for(lambda: tg.count(method="getUpdates") > before, timeout=60)
    tg.wait_for(lambda: len(tg.sent(READY_CHAT)) > sent, timeout=60)
    first_poll = [r.at for r in tg.requests if r.method == "getUpdates"][before]
    return {
        "start_to_first_getUpdates_s": round(first_poll - started, 2),
        "start_to_first_reply_s": round(tg.sent(READY_CHAT)[sent].at - started, 2),
    }


def watch_log(bot: "subprocess.Popen[str]", cycle_logged: threading.Event) -> None:
    """Set ``cycle_logged`` at the bot's "poll cycle: …" log line: fetched, parsed, stored."""
    assert bot.stderr is not None
    for line in bot.stderr:
        if "poll cycle:" in line:
            cycle_logged.set()


def bare_baseline(tg: FakeTelegram, env: dict[str, str]) -> dict[str, float]:
    """Start to first getUpdates and settled RSS of a PTB bot that does nothing else."""
    before, sent = tg.count(method="getUpdates"), len(tg.sent(READY_CHAT))
    tg.push_message(READY_CHAT, READY_CHAT, "/start")
    started = time.monotonic()
    bare = subprocess.Popen(
        [sys.executable, "-m", "bench.b5_bare", tg.base_url],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = ready_times(tg, before, sent, started)
        time.sleep(SETTLE / 2)
        rss, pss, _, _ = TreeMemory(bare.pid).sample()
    finally:
        bare.terminate()
        bare.wait(timeout=30)
    return {**ready, "idle_rss_mb": rss, "idle_pss_mb": pss}


def main() -> None:
    feeds = build_feeds()
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        FeedServer(latency=LATENCY, more_hosts=HOSTS) as server,
        FakeTelegram(enforce_limits=False) as tg,
    ):
        tmp = Path(tmp_name)
        urls = []
        for copy, (path, body, kind) in enumerate(feeds):
            server.route(path, Reply(body, headers={"content-type": content_type(kind)}))
            urls.append(server.url(path, HOSTS[copy % len(HOSTS)]))
        config = write_config(tmp, urls, tg)
        asyncio.run(seed(config, config.read_text()))
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.token}
        baseline = bare_baseline(tg, env)
        before, sent = tg.count(method="getUpdates"), len(tg.sent(READY_CHAT))
        tg.push_message(READY_CHAT, READY_CHAT, "/help")
        started = time.monotonic()
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        cycle_logged = threading.Event()
        threading.Thread(target=watch_log, args=(bot, cycle_logged), daemon=True).start()
        try:
            ready = ready_times(tg, before, sent, started)
            with TreeMemory(bot.pid).watching() as cycle_memory:
                while not cycle_logged.is_set() and bot.poll() is None:
                    time.sleep(0.2)
            cycle_done = time.monotonic() - started
            time.sleep(SETTLE)
            idle_tree = TreeMemory(bot.pid).sample()
            workers: list[float] = []
            trackers: list[float] = []
            for child in tree_pids(bot.pid)[1:]:
                (trackers if is_resource_tracker(child) else workers).append(rss_mb(child))
        finally:
            bot.terminate()
            bot.wait(timeout=30)
    result: dict[str, Any] = {
        **ready,
        "first_poll_cycle_done_s": round(cycle_done, 1),
        "idle_rss_main_mb": idle_tree.root_rss,
        "idle_rss_parser_workers_mb": [round(w, 1) for w in workers],
        "idle_rss_resource_tracker_mb": [round(t, 1) for t in trackers],
        "peak_rss_main_during_cycle_mb": cycle_memory.root_rss_mb,
        "idle_tree_mb": idle_tree._asdict(),
        "peak_tree_during_cycle_mb": cycle_memory.peak(),
        "baseline_bare_ptb": baseline,
    }
    write_result("b5_footprint", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
