"""B2 broadcast: 5,000 chats follow one topic; one matching story reaches them all.

The Bot API stand-in enforces 30 messages/s overall and 1/s per chat, with 80 ms of round
trip. Baseline in the same run: the plain ``for chat: await bot.send_message(...)`` loop with
PTB's AIORateLimiter at its defaults (on 1,000 other chats, to keep the run short).

    python -m bench.b2_broadcast
"""

import asyncio
import json
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder

from bench.common import REPO, measure, peak_rss_mb, write_result
from bench.fixtures import bench_config
from bot.app import open_services
from tests.delivery_helpers import add_chats, frozen_heap, running_sender
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import FakeTelegram

CHATS = 5000
BASELINE_CHATS = 1000
LATENCY = 0.08
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
FIXTURE = REPO / "tests" / "data" / "feeds" / "bhrrc_cambodia.xml"


def summarise_sends(tg: FakeTelegram, chats: range) -> dict[str, Any]:
    """Rate, losses, duplicates and 429s as the stand-in saw them."""
    wanted = set(chats)
    sent = [r for r in tg.sent() if r.method == "sendMessage" and r.chat_id in wanted]
    per_chat = Counter(r.chat_id for r in sent)
    times = sorted(r.at for r in sent)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    refused = [r for r in tg.requests if r.chat_id in wanted and r.status == 429]
    attempts = len(sent) + len(refused)
    return {
        "sent": len(sent),
        "lost": len(wanted - set(per_chat)),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "messages_per_second": round((len(sent) - 1) / span, 2) if span else 0.0,
        "http_429": len(refused),
        "http_429_share": round(len(refused) / attempts, 5) if attempts else 0.0,
        "span_seconds": round(span, 2),
    }


async def ours(tg: FakeTelegram, tmp: Path) -> dict[str, Any]:
    with FeedServer() as feeds:
        url = feeds.feed("/bhrrc.xml", FIXTURE.read_bytes())
        config = bench_config(tmp, [{"name": "BHRRC", "url": url, "type": "ngo"}])
        async with open_services(config) as services:
            await add_chats(
                services.db, range(1, CHATS + 1), topic="cambodia-eba", since=NOW - timedelta(1)
            )
            await services.poller.poll_due(NOW)
            with measure() as enqueue:
                queued = await services.dispatcher.fan_out(NOW)
            # frozen_heap: what `rights-digest run` does once started (bot/telegram_app.serve).
            with measure() as sending, frozen_heap():
                async with running_sender(services.db, tg, config.delivery):
                    await tg.await_for(
                        lambda: len({r.chat_id for r in tg.sent()}) >= CHATS, timeout=600
                    )
    return {
        "queued": queued,
        "enqueue_seconds": round(enqueue.wall, 2),
        "wall": round(sending.wall, 2),
        "cpu": round(sending.cpu, 2),
        **summarise_sends(tg, range(1, CHATS + 1)),
    }


async def naive(tg: FakeTelegram) -> dict[str, Any]:
    """The loop many bots use, with PTB's AIORateLimiter at its defaults."""
    chats = range(100_001, 100_001 + BASELINE_CHATS)
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
            for chat in chats:
                try:
                    await application.bot.send_message(chat, "Story text")
                except TelegramError:
                    errors += 1
    return {
        "wall": round(step.wall, 2),
        "cpu": round(step.cpu, 2),
        "errors": errors,
        **summarise_sends(tg, chats),
    }


async def main() -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeTelegram(latency=LATENCY, implicit_chats=True) as tg,
    ):
        print(f"B2: {CHATS} chats, one story, stand-in at 30/s and 1/s per chat", flush=True)
        result: dict[str, Any] = {"chats": CHATS, "latency_ms": LATENCY * 1000}
        result["ours"] = await ours(tg, Path(tmp))
        print(f"  ours: {result['ours']}", flush=True)
        result["naive"] = await naive(tg)
        print(f"  naive: {result['naive']}", flush=True)
        result["peak_rss_mb"] = peak_rss_mb()
        result["speedup_vs_naive"] = round(
            result["ours"]["messages_per_second"]
            / max(result["naive"]["messages_per_second"], 0.01),
            1,
        )
    write_result("b2_broadcast", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
