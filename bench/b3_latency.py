"""B3 command latency: /latest with 100,000 stories and 10,000 chats, idle and while polling.

Measured from the update being handed to the bot (queued at the Bot API stand-in) to the
stand-in receiving the reply's sendMessage, by the stand-in, which runs in a process of its own
(``bench.telegram_process``) as Telegram is remote. It adds no latency here: this is our own
time, and the bot does not pace its replies here either (B6 measures that). "During" runs the
B1 cold cycle (500 feeds) in the same process, as in production; the publishers serve from a
process of their own (``bench.publishers``), as real ones do.
Baseline in the same run: /help, which touches no database, so its time is PTB's and the
stand-in's own round trip; the ratio shows what /latest's query and rendering add.

    python -m bench.b3_latency
"""

import asyncio
import contextlib
import json
import statistics
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import measure, peak_rss_mb, write_result
from bench.fixtures import bench_config, seed_stories
from bench.publishers import publishers
from bench.telegram_process import RemoteTelegram
from bot.app import Services, open_services
from bot.pacing import Pacer
from bot.telegram_app import build_application, serve
from news.config import Config
from tests.bot.harness import unpaced
from tests.outbox import add_chats

STORIES = 100_000
CHATS = 10_000
SAMPLES = 200
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(quantile: float) -> float:
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    return {
        "n": len(ordered),
        "p50_ms": round(pick(0.5) * 1000, 1),
        "p95_ms": round(pick(0.95) * 1000, 1),
        "p99_ms": round(pick(0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


@contextlib.asynccontextmanager
async def running_bot(
    tg: RemoteTelegram, config: Config, *, pacer: Pacer | None = None
) -> AsyncIterator[Services]:
    """The bot as ``rights-digest run`` serves it, without the scheduled jobs: the benchmark
    runs the poll cycle itself. ``pacer``: another than the config's limits."""
    async with open_services(config) as services:
        stop = asyncio.Event()
        application = build_application(services, tg.token, config_path=None, pacer=pacer)
        serving = asyncio.create_task(serve(application, stop, []))
        await tg.wait_polling()
        try:
            yield services
        finally:
            stop.set()
            await serving


async def sample(
    tg: RemoteTelegram, chats: range, stop: asyncio.Event | None = None, command: str = "/latest"
) -> list[float]:
    """The command from one chat after another (until ``stop``, if given)."""
    times = []
    for chat in chats:
        if stop is not None and stop.is_set():
            break
        times.append(await tg.command(chat, command))
    return times


async def run(tmp: Path) -> dict[str, Any]:
    async with RemoteTelegram(enforce_limits=False) as tg:
        with publishers() as urls:
            config = bench_config(
                tmp,
                [
                    {"name": f"Feed {n}", "url": u, "type": "independent media"}
                    for n, u in enumerate(urls)
                ],
                telegram={"api_base_url": tg.base_url},
            )
            # Limits off at both ends: B3 times our own work; the pacing of replies is B6's.
            async with running_bot(tg, config, pacer=unpaced()) as services:
                with measure() as seeding:
                    await seed_stories(
                        services.db, STORIES, ["cambodia-eba", "cambodia-civil-society"], until=NOW
                    )
                    await add_chats(
                        services.db,
                        range(1, CHATS + 1),
                        topic="cambodia-eba",
                        since=NOW - timedelta(days=40),
                    )
                help_idle = await sample(tg, range(1, SAMPLES + 1), command="/help")
                idle = await sample(tg, range(1, SAMPLES + 1))
                done = asyncio.Event()

                async def cycle() -> float:
                    with measure() as step:
                        await services.poller.poll_due(NOW)
                    done.set()
                    return step.wall

                polling = asyncio.create_task(cycle())
                during = await sample(tg, range(SAMPLES + 1, CHATS + 1), stop=done)
                cycle_seconds = await polling
    return {
        "stories": STORIES,
        "chats": CHATS,
        "seed_seconds": round(seeding.wall, 1),
        "idle": percentiles(idle),
        "baseline_help_idle": percentiles(help_idle),
        "during_cold_cycle": percentiles(during),
        "cold_cycle_seconds": round(cycle_seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(Path(tmp)))
    write_result("b3_latency", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
