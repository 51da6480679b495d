"""The running bot for tests/bot: the real PTB application, the Bot API stand-in, a SQLite file."""

import tomllib
from collections.abc import AsyncIterator, Iterator

import pytest

from news.config import Config
from tests.bot.harness import ADMIN, BotHarness, running_bot
from tests.conftest import DATA, REPO, ConfigFactory, feed_entry
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import FakeTelegram

FEEDS = DATA / "feeds"
EXAMPLE_TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    # Limits off, and so the bot unpaced (see running_bot): tests/bot/test_limits.py turns them on.
    with FakeTelegram(enforce_limits=False) as fake:
        yield fake


@pytest.fixture
def bot_config(make_config: ConfigFactory, tg, feed_server: FeedServer) -> Config:
    url = feed_server.feed("/bhrrc.xml", (FEEDS / "bhrrc_cambodia.xml").read_bytes())
    return make_config(
        [feed_entry("Business & Human Rights Resource Centre", url, type="ngo")],
        telegram={"api_base_url": tg.base_url, "admins": [ADMIN]},
        topics=EXAMPLE_TOPICS,
    )


@pytest.fixture
async def bot(tg, bot_config) -> AsyncIterator[BotHarness]:
    async with running_bot(tg, bot_config) as harness:
        yield harness
