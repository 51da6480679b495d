"""B2 broadcast: 5,000 chats follow one topic; one matching story reaches them all.

The Bot API stand-in enforces 30 messages/s overall and 1/s per chat, with 80 ms of round
trip, and runs in a process of its own (``bench.telegram_process``), as Telegram is remote.
Baseline in the same run: the plain ``for chat: await bot.send_message(...)`` loop with PTB's
AIORateLimiter at its defaults (on 1,000 other chats, to keep the run short).

    python -m bench.b2_broadcast
"""

import asyncio
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder

from bench.common import REPO, measure, peak_rss_mb, write_result
from bench.fixtures import bench_config
from bench.telegram_process import RemoteTelegram
from bot.app import open_services
from tests.fakes.feed_server import FeedServer
from tests.outbox import add_chats, feeds_read_before, frozen_heap, running_sender

CHATS = 5000
BASELINE_CHATS = 1000
LATENCY = 0.08
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
FIXTURE = REPO / "tests" / "data" / "feeds" / "bhrrc_cambodia.xml"


async def ours(tg: RemoteTelegram, tmp: Path) -> dict[str, Any]:
    with FeedServer() as feeds:
        url = feeds.feed("/bhrrc.xml", FIXTURE.read_bytes())
        config = bench_config(tmp, [{"name": "BHRRC", "url": url, "type": "ngo"}])
        async with open_services(config) as services:
            await add_chats(
                services.db, range(1, CHATS + 1), topic="cambodia-eba", since=NOW - timedelta(1)
            )
            await feeds_read_before(services.db, NOW - timedelta(hours=1))  # a running bot
            await services.poller.poll_due(NOW)
            with measure() as enqueue:
                queued = await services.dispatcher.fan_out(NOW)
            # frozen_heap: what `rights-digest run` does once started (bot/telegram_app.serve).
            with measure() as sending, frozen_heap():
                async with running_sender(services.db, tg, config.delivery):
                    await tg.wait_chats(1, CHATS, within=600)
    return {
        "queued": queued,
        "enqueue_seconds": round(enqueue.wall, 2),
        "wall": round(sending.wall, 2),
        "cpu": round(sending.cpu, 2),
        **await tg.sends(1, CHATS),
    }


async def naive(tg: RemoteTelegram) -> dict[str, Any]:
    """The loop many bots use, with PTB's AIORateLimiter at its defaults."""
    first, last = 100_001, 100_000 + BASELINE_CHATS
    application = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(f"{tg.base_url}/bot")
        .rate_limiter(AIORateLimiter())
        .build()
    )
    errors = 0
    async with application:
        with measure() as step:
            for chat in range(first, last + 1):
                try:
                    await application.bot.send_message(chat, "Story text")
                except TelegramError:
                    errors += 1
    return {
        "wall": round(step.wall, 2),
        "cpu": round(step.cpu, 2),
        "errors": errors,
        **await tg.sends(first, last),
    }


async def main() -> None:
    print(f"B2: {CHATS} chats, one story, stand-in at 30/s and 1/s per chat", flush=True)
    result: dict[str, Any] = {"chats": CHATS, "latency_ms": LATENCY * 1000}
    async with RemoteTelegram(latency=LATENCY, implicit_chats=True) as tg:
        with tempfile.TemporaryDirectory() as tmp:
            result["ours"] = await ours(tg, Path(tmp))
        print(f"  ours: {result['ours']}", flush=True)
        result["naive"] = await naive(tg)
        print(f"  naive: {result['naive']}", flush=True)
        result["peak_rss_mb"] = peak_rss_mb()
    result["speedup_vs_naive"] = round(
        result["ours"]["messages_per_second"] / max(result["naive"]["messages_per_second"], 0.01),
        1,
    )
    write_result("b2_broadcast", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
