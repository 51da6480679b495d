"""B7 several processes: the fleet of ``tests/reliability/fleet.py``, timed.

Two ``poll`` processes, an active and a standby ``send``, one ``updates``, one ``schedule``,
on one PostgreSQL (a private cluster, as ``make test-pg`` starts); 500 feeds on loopback and
5,000 chats; the Bot API stand-in in its own process at Telegram's limits (30/s overall,
1/s per chat) with 50 ms of round trip. While the broadcast runs, 100 other chats send
/start, so that replies from the ``updates`` process and pushes from the sender share the
token's limit. The active sender is killed (SIGKILL) after 1,500 chats.

The token's global_rate is 29 (of Telegram's 30), lent between the sender and the updates
process (``bot.rate_share``): replies take what they need, the sender the rest. Before the
rate was lent (runs 1-3 in docs/scaling.md) a fixed reply_share of 0.05 kept the sender at
27.55/s and the updates process at 1.45/s.

    python -m bench.b7_processes
"""

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from bench.common import OUT, peak_rss_mb, write_result
from bench.telegram_process import RemoteTelegram
from tests.postgres import start_server
from tests.reliability.fleet import Fleet, run_fleet

FEEDS, CHATS, KILL_AT = 500, 5000, 1500
REPLIERS = range(100_001, 100_101)
LATENCY = 0.05


async def measure(tmp: Path, database_url: str) -> tuple[Fleet, dict[str, Any]]:
    async with RemoteTelegram(latency=LATENCY, implicit_chats=True) as tg:
        fleet_run = asyncio.create_task(
            run_fleet(
                tmp, database_url, tg, feeds=FEEDS, chats=CHATS, kill_at=KILL_AT,
                global_rate=29,
            )
        )  # fmt: skip
        await tg.wait_reached(300, within=900)  # the broadcast is under way
        await tg.burst(REPLIERS.start, REPLIERS.stop - 1, "/start", over=10)
        fleet = await fleet_run
        replies = await tg.sends(REPLIERS.start, REPLIERS.stop - 1)
    return fleet, replies


def main() -> None:
    print(f"B7: {FEEDS} feeds, {CHATS} chats, 6 processes on PostgreSQL", flush=True)
    server, cluster = start_server()
    try:
        name = server.new_database(migrated=True)
        logs = OUT / "b7_processes"  # each process's log, kept for a look afterwards
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir(parents=True)
        fleet, replies = asyncio.run(measure(logs, server.url(name)))
    finally:
        if cluster is not None:
            cluster.stop()
    result: dict[str, Any] = {
        "feeds": FEEDS,
        "chats": CHATS,
        "latency_ms": LATENCY * 1000,
        "pushes": fleet.rates,
        "replies": replies,
        "lost": CHATS - len(fleet.per_chat),
        "logs": str(logs),
        "duplicates": fleet.duplicates,
        "in_flight_at_kill": fleet.in_flight,
        "takeover_pause_s": round(fleet.takeover_s, 2),
        "feeds_fetched_twice": sum(1 for n in fleet.fetches.values() if n > 1),
        "stories": fleet.stories,
        "standby_led": fleet.standby_led,
        "peak_rss_mb": peak_rss_mb(),
    }
    write_result("b7_processes", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
