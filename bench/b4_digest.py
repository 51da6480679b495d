"""B4 digest tick: 10,000 chats whose daily digest falls due in the same minute.

Target: every digest enqueued within 5 s; a second tick in the same minute adds none.
Baseline in the same run: the same chats as instant subscribers getting one alert each
(the per-story fan-out), to show what a digest costs per chat.

    python -m bench.b4_digest
"""

import asyncio
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import measure, peak_rss_mb, write_result
from bench.fixtures import bench_config, seed_stories
from bot.app import open_services
from news.store.tables import Delivery, Outbox
from tests.outbox import add_chats

CHATS = 10_000
STORIES = 300  # about ten a day: a realistic daily digest
# 08:00 in Phnom Penh is 01:00 UTC; the tick runs at 01:00:20.
DUE = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


async def counts(services: Any) -> tuple[int, int]:
    async with services.db.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(Outbox))
        deliveries = await session.scalar(select(func.count()).select_from(Delivery))
    return int(rows or 0), int(deliveries or 0)


async def run(tmp: Path) -> dict[str, Any]:
    config = bench_config(tmp, [])
    async with open_services(config) as services:
        # Stories from the last month; those matched in the day before the digest are new.
        await seed_stories(
            services.db, STORIES, ["cambodia-eba", "cambodia-civil-society"], until=DUE
        )
        since = DUE - timedelta(days=1)
        await add_chats(
            services.db, range(1, CHATS + 1), topic="cambodia-eba", since=since, mode="daily"
        )
        await add_chats(
            services.db, range(CHATS + 1, 2 * CHATS + 1), topic="cambodia-eba", since=since
        )
        tick_at = DUE + timedelta(seconds=20)
        with measure() as first:
            digests = await services.dispatcher.digest_tick(tick_at)
        rows, deliveries = await counts(services)
        with measure() as second:
            again = await services.dispatcher.digest_tick(tick_at + timedelta(seconds=30))
        with measure() as alerts:
            batched = await services.dispatcher.fan_out(tick_at)
    return {
        "chats": CHATS,
        "digest_messages": digests,
        "outbox_rows": rows,
        "stories_in_digests": deliveries,
        "first_tick": {"wall": round(first.wall, 2), "cpu": round(first.cpu, 2)},
        "second_tick": {"wall": round(second.wall, 2), "added": again},
        "baseline_instant_fan_out": {
            "chats": CHATS,
            "messages": batched,
            "wall": round(alerts.wall, 2),
        },
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(Path(tmp)))
    write_result("b4_digest", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
