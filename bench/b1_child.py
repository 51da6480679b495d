"""One measured poller for B1, in its own process: ``ours``, the ``naive`` loop, ``bare``
httpx (the HTTP floor), or a ``shared`` poller, one of several on one database
(``bench.b1_scaling``).

Each poller imports what it uses inside its function, as ``rights-digest`` does (bot/cli.py):
our parser processes are spawned, and a spawned process imports the main module again.
"""

import asyncio
import json
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import REPO, measure, running_children_cpu

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def ours(urls: list[str], tmp: Path) -> dict[str, Any]:
    """Our poller, as configured by default: cold cycle, unchanged cycle, then 10% changed
    (the parent changes them)."""
    from bot.app import open_services

    config = b1_config(urls, tmp, f"sqlite+aiosqlite:///{tmp / 'b1.db'}")
    cycles: dict[str, Any] = {}
    async with open_services(config) as services:
        for name, minutes in (("cold", 0), ("unchanged", 11), ("changed", 22)):
            if name == "changed":
                print("change", flush=True)
                await asyncio.to_thread(sys.stdin.readline)
            parsers = running_children_cpu()
            with measure() as step:
                reports = await services.poller.poll_due(NOW + timedelta(minutes=minutes))
            parsers = running_children_cpu() - parsers
            statuses: dict[str, int] = {}
            for report in reports:
                statuses[report.status.value] = statuses.get(report.status.value, 0) + 1
            cycles[name] = {
                "wall": round(step.wall, 2),
                "cpu": round(step.cpu, 2),
                "parsers_cpu": round(parsers, 2),
                "feeds": len(reports),
                "statuses": statuses,
                "new_stories": sum(len(r.new_stories) for r in reports),
            }
        workers = services.workers.workers
    return {
        **cycles,
        "concurrency": config.http.concurrency,
        "parse_workers": workers,
    }


def b1_config(urls: list[str], tmp: Path, database_url: str) -> Any:
    """B1's config: the 500 feeds, the example's topics, every default."""
    from news.config import parse_config

    topics = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
    raw = {
        "storage": {"database_url": database_url},
        "polling": {"every": "10m"},
        "feeds": [
            {"name": f"Feed {n}", "url": url, "type": "independent media"}
            for n, url in enumerate(urls)
        ],
        "topics": topics,
    }
    return parse_config(raw, base_dir=tmp, environ={})


async def shared(urls: list[str], tmp: Path, database_url: str) -> None:
    """One of several pollers on ``database_url``: says "ready" once open, then runs a cold
    and an unchanged cycle, each when told "go", printing each one's JSON."""
    from bot.app import open_services

    config = b1_config(urls, tmp, database_url)
    async with open_services(config) as services:
        for minutes in (0, 11):
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            with measure() as step:
                reports = await services.poller.poll_due(NOW + timedelta(minutes=minutes))
            result = {
                "wall": round(step.wall, 2),
                "feeds": len(reports),
                "new_stories": sum(len(r.new_stories) for r in reports),
            }
            print(json.dumps(result), flush=True)


def naive(urls: list[str]) -> dict[str, Any]:
    """What many bots do: fetch and parse each feed in turn with feedparser.parse(url)."""
    import feedparser

    with measure() as step:
        entries = sum(len(feedparser.parse(url).entries) for url in urls)
    return {
        "cold": {"wall": round(step.wall, 2), "cpu": round(step.cpu, 2), "entries": entries},
    }


async def bare(urls: list[str], concurrency: int) -> dict[str, Any]:
    """The HTTP floor: httpx alone, same concurrency, downloading every feed and then asking
    again with its ETag (a new client: connections are new each cycle, as in production)."""
    import httpx

    etags: dict[str, str] = {}

    async def cycle() -> dict[str, float]:
        gate = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency)

        async def one(client: httpx.AsyncClient, url: str) -> None:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with gate, client.stream("GET", url, headers=headers) as response:
                await response.aread()
                if "etag" in response.headers:
                    etags[url] = response.headers["etag"]

        async with httpx.AsyncClient(limits=limits) as client:
            with measure() as step:
                await asyncio.gather(*(one(client, url) for url in urls))
        return {"wall": round(step.wall, 2), "cpu": round(step.cpu, 2)}

    return {"download": await cycle(), "unchanged": await cycle()}


def main() -> None:
    part, urls_file, tmp = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    urls = json.loads(urls_file.read_text())
    if part == "shared":
        asyncio.run(shared(urls, tmp, sys.argv[4]))
        return
    if part == "ours":
        result = asyncio.run(ours(urls, tmp))
    elif part == "bare":
        result = asyncio.run(bare(urls, int(sys.argv[4])))
    else:
        result = naive(urls)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
