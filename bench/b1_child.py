"""One measured poller for B1, in its own process: ``ours`` or the ``naive`` loop."""

import asyncio
import json
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser

from bench.common import REPO, measure, peak_rss_mb
from bot.app import open_services
from news.config import parse_config

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def ours(urls: list[str], tmp: Path) -> dict[str, Any]:
    """Our poller: cold cycle, unchanged cycle, then 10% changed (the parent changes them)."""
    topics = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
    raw = {
        "storage": {"database_url": f"sqlite+aiosqlite:///{tmp / 'b1.db'}"},
        "polling": {"every": "10m"},
        "feeds": [
            {"name": f"Feed {n}", "url": url, "type": "independent media"}
            for n, url in enumerate(urls)
        ],
        "topics": topics,
    }
    config = parse_config(raw, base_dir=tmp, environ={})
    cycles: dict[str, Any] = {}
    async with open_services(config) as services:
        for name, minutes in (("cold", 0), ("unchanged", 11), ("changed", 22)):
            if name == "changed":
                print("change", flush=True)
                await asyncio.to_thread(sys.stdin.readline)
            with measure() as step:
                reports = await services.poller.poll_due(NOW + timedelta(minutes=minutes))
            statuses: dict[str, int] = {}
            for report in reports:
                statuses[report.status.value] = statuses.get(report.status.value, 0) + 1
            cycles[name] = {
                "wall": round(step.wall, 2),
                "cpu": round(step.cpu, 2),
                "feeds": len(reports),
                "statuses": statuses,
                "new_stories": sum(len(r.new_stories) for r in reports),
            }
        workers = services.workers.workers
    return {
        **cycles,
        "peak_rss_mb": peak_rss_mb(),
        "concurrency": config.http.concurrency,
        "parse_workers": workers,
    }


def naive(urls: list[str]) -> dict[str, Any]:
    """What many bots do: fetch and parse each feed in turn with feedparser.parse(url)."""
    with measure() as step:
        entries = sum(len(feedparser.parse(url).entries) for url in urls)
    return {
        "cold": {"wall": round(step.wall, 2), "cpu": round(step.cpu, 2), "entries": entries},
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    part, urls_file, tmp = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    urls = json.loads(urls_file.read_text())
    result = asyncio.run(ours(urls, tmp)) if part == "ours" else naive(urls)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
