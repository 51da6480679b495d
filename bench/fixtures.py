"""Synthetic load for the benchmarks: many stories and many chats, inserted in bulk."""

import random
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.common import REPO
from news.config import Config, parse_config
from news.store.db import Database
from news.store.tables import Feed, Story, StoryTopic

WORDS = (
    "ministry",
    "court",
    "union",
    "garment",
    "factory",
    "workers",
    "election",
    "commission",
    "trade",
    "tariff",
    "land",
    "activist",
    "journalist",
    "arrest",
    "release",
    "hearing",
    "statement",
    "report",
    "rights",
    "association",
    "law",
    "protest",
    "police",
    "province",
    "community",
    "river",
    "forest",
    "concession",
    "sugar",
    "footwear",
    "export",
)


def example_topics() -> list[dict[str, Any]]:
    """The [[topics]] tables of config.example.toml."""
    return list(tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"])


def bench_config(tmp: Path, feeds: list[dict[str, Any]], **sections: Any) -> Config:
    """A config on a SQLite file in ``tmp`` with the example topics."""
    raw: dict[str, Any] = {
        "storage": {"database_url": f"sqlite+aiosqlite:///{tmp / 'bench.db'}"},
        "feeds": feeds,
        "topics": example_topics(),
        **sections,
    }
    return parse_config(raw, base_dir=tmp, environ={})


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


async def seed_stories(
    db: Database, count: int, topics: list[str], *, until: datetime, seed: int = 7
) -> None:
    """``count`` stories of a made-up feed spread over the 30 days before ``until``, each
    matched to one or two of ``topics``."""
    rng = random.Random(seed)
    async with db.writing() as session:
        result = await session.execute(
            insert(Feed).returning(Feed.id),
            [
                {
                    "url": "https://synthetic.example/feed",
                    "fetch_url": "https://synthetic.example/feed",
                    "name": "Synthetic Wire",
                    "source_type": "independent media",
                    "language": "en",
                    "enabled": False,
                    "last_status": "ok",
                    "error_count": 0,
                }
            ],
        )
        feed_id = result.scalar_one()
        for start in range(0, count, 2000):
            stories, matches = [], []
            for n in range(start, min(start + 2000, count)):
                seen = until - timedelta(seconds=rng.randint(0, 30 * 86400))
                stories.append(_story(rng, n, feed_id, seen))
                for topic in rng.sample(topics, k=rng.randint(1, len(topics))):
                    matches.append({"story_id": n + 1, "topic": topic, "matched_at": seen})
            await session.execute(insert(Story), stories)
            for match in matches:
                match["terms"] = '["Cambodia"]'
            await session.execute(insert(StoryTopic), matches)


def _story(rng: random.Random, n: int, feed_id: int, seen: datetime) -> dict[str, Any]:
    title = _sentence(rng, 9)[:-1]
    return {
        "id": n + 1,
        "url_key": f"synthetic.example/{n}",
        "feed_id": feed_id,
        "url": f"https://synthetic.example/{n}",
        "original_url": None,
        "context_url": None,
        "title": title,
        "text": " ".join(_sentence(rng, 14) for _ in range(12)),
        "summary": " ".join(_sentence(rng, 16) for _ in range(3)),
        "author": "Staff",
        "publisher": None,
        "language": "en",
        "published_at": seen,
        "date_is_estimated": False,
        "first_seen_at": seen,
        "news_at": seen,
        "needs_context": False,
    }
