"""Six chats through a week of news, against the Bot API stand-in with Telegram's limits.

The issue's scenario, scripted: an instant chat, a daily one, a weekly discreet one, an
instant discreet one, a late joiner and a group. A bot reads its feeds; an admin adds a feed
with 88 old items; five fresh ones follow; digests fall due. ``make scenario`` prints what
each chat received; tests/jobs/test_six_chats.py checks it.
"""

import asyncio
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bot.app import Services, apply_config, open_services
from news.config import Config, parse_config
from news.store.chats import subscribe, update_chat
from tests.conftest import REPO, feed_entry
from tests.fakes.feed_server import FeedServer, rss
from tests.fakes.telegram import FakeTelegram, SentRecord
from tests.outbox import (
    add_chats,
    eventually,
    feeds_read_before,
    outbox_states,
    running_sender,
)

TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
EBA, NGO = "cambodia-eba", "cambodia-civil-society"
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri 09:00 in Phnom Penh
INSTANT, DAILY, WEEKLY, DISCREET, LATE, GROUP = 1, 2, 3, 4, 5, -100_777
CHATS = {
    INSTANT: "instant",
    DAILY: "daily 08:00",
    WEEKLY: "weekly (Mon) + discreet",
    DISCREET: "instant + discreet",
    LATE: "late joiner (instant)",
    GROUP: "group (instant)",
}


@dataclass(frozen=True)
class Step:
    """What happened at a moment of the script, and the messages it caused, by chat."""

    at: datetime
    what: str
    sent: dict[int, list[SentRecord]]


def story(key: str, topic: str, when: datetime) -> dict[str, str]:
    """An item that matches ``topic``, published at ``when``."""
    text = {
        EBA: "The EU reviewed Cambodia's Everything But Arms trade preferences again.",
        NGO: "Cambodian NGOs say the Law on Associations (LANGO) registration checks delay them.",
    }[topic]
    label = "EBA" if topic == EBA else "NGO"
    return {
        "title": f"{label} story {key}",
        "link": f"https://news.example/{key}",
        "description": text,
        "date": format_datetime(when),
    }


def archive() -> list[dict[str, str]]:
    """88 old items: 2019 to last month."""
    return [
        story(f"old-{n}", EBA if n % 2 else NGO, datetime(2019 + n % 7, 1 + n % 12, 5, tzinfo=UTC))
        for n in range(88)
    ]


def fresh(at: datetime) -> list[dict[str, str]]:
    """Five new items, three on EBA and two on NGO freedoms."""
    return [
        story(f"new-{n}", EBA if n < 3 else NGO, at - timedelta(minutes=10 * n)) for n in range(5)
    ]


def config(tmp: Path, tg: FakeTelegram, feeds: list[dict[str, str]]) -> Config:
    return parse_config(
        {
            "storage": {"database_url": f"sqlite+aiosqlite:///{tmp / 'scenario.db'}"},
            "polling": {"every": "10m", "parse_workers": 0},
            "telegram": {"api_base_url": tg.base_url},
            "delivery": {"coalesce_after": 3},
            "feeds": feeds,
            "topics": TOPICS,
        },
        base_dir=tmp,
        environ={},
    )


async def deliver(services: Services, tg: FakeTelegram) -> None:
    """Send everything queued, within the stand-in's limits."""
    async with running_sender(services.db, tg, services.config.delivery):
        await eventually(lambda: _drained(services), within=120)


async def _drained(services: Services) -> bool:
    return set(await outbox_states(services.db)) <= {"sent"}


async def run(tmp: Path) -> list[Step]:
    """The whole script; returns each step with what every chat received in it."""
    steps: list[Step] = []
    with FeedServer() as server, FakeTelegram(latency=0.01) as tg:
        for chat in CHATS:
            tg.add_chat(chat, "supergroup" if chat < 0 else "private")
        # One item dated 06:30 in Phnom Penh (23:30 the day before, UTC).
        pp = datetime(2026, 11, 27, 6, 30, tzinfo=UTC) - timedelta(hours=7)
        wire = [story("dawn", EBA, pp), story("a", NGO, T0 - timedelta(hours=2))]
        wire_url = server.feed("/wire.xml", rss([]))
        base = [feed_entry("Wire", wire_url)]
        async with open_services(config(tmp, tg, base)) as services:
            await _chats(services)
            await services.poller.poll_due(T0 - timedelta(days=1))  # read before: empty
            server.feed("/wire.xml", rss(wire))

            async def step(at: datetime, what: str) -> None:
                before = {chat: len(tg.sent(chat)) for chat in CHATS}
                await services.poller.poll_due(at)
                await services.dispatcher.fan_out(at)
                await services.dispatcher.digest_tick(at)
                await deliver(services, tg)
                sent = {chat: tg.sent(chat)[before[chat] :] for chat in CHATS}
                steps.append(Step(at, what, sent))

            await step(T0, "the bot reads two new items")
            archive_url = server.feed("/archive.xml", rss(archive()))
            added = [*base, feed_entry("Archive", archive_url)]
            await apply_config(services, config(tmp, tg, added))
            await step(T0 + timedelta(hours=1), "an admin adds a feed with 88 old items")
            joined = T0 + timedelta(hours=1, minutes=30)
            await add_chats(services.db, [LATE], topic=EBA, since=joined)
            await subscribe(services.db, LATE, [NGO], joined)
            server.feed("/archive.xml", rss(fresh(T0 + timedelta(hours=2)) + archive()))
            await step(T0 + timedelta(hours=2), "the new feed brings five fresh items")
            await step(datetime(2026, 11, 28, 1, 0, tzinfo=UTC), "Sat 08:00: daily digests")
            await step(datetime(2026, 11, 30, 1, 0, tzinfo=UTC), "Mon 08:00: weekly digests")
    return steps


async def _chats(services: Services) -> None:
    since = T0 - timedelta(days=7)
    for chat, description in CHATS.items():  # discreet ones say so
        if chat == LATE:
            continue  # joins during the script
        mode = {DAILY: "daily", WEEKLY: "weekly"}.get(chat, "instant")
        kind = "supergroup" if chat < 0 else "private"
        await add_chats(services.db, [chat], topic=EBA, since=since, mode=mode, chat_type=kind)
        await subscribe(services.db, chat, [NGO], since)
        if "discreet" in description:
            await update_chat(services.db, chat, discreet=True)
    await feeds_read_before(services.db, T0 - timedelta(days=1))


def transcript(steps: list[Step]) -> str:
    """What every chat received, step by step, as a reader would scan it."""
    lines: list[str] = []
    for step in steps:
        lines.append(f"== {step.at:%a %d %b %H:%M} UTC: {step.what}")
        for chat, records in step.sent.items():
            messages = [r for r in records if r.method == "sendMessage"]
            lines.append(f"  {CHATS[chat]}: {len(messages)} message(s)")
            for record in messages:
                shown = [line for line in record.text.splitlines() if line.strip()][:3]
                lines.append("    | " + " / ".join(shown)[:150])
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(transcript(asyncio.run(run(Path(tmp)))))


if __name__ == "__main__":
    main()
