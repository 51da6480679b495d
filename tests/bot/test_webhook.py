"""Webhook mode: the stand-in POSTs updates as Telegram does; only it, with the secret, gets in."""

import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from news.config import Config, ConfigError
from tests.bot.conftest import EXAMPLE_TOPICS
from tests.bot.harness import ADMIN, USER, BotHarness, running_bot
from tests.conftest import ConfigFactory
from tests.fakes.telegram import FakeTelegram

CHANNEL = -100_500


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(enforce_limits=False, allow_http_webhook=True) as fake:
        yield fake


@pytest.fixture
def hook_url() -> str:
    return f"http://127.0.0.1:{free_port()}/telegram/updates"


@pytest.fixture
async def bot(tg, make_config: ConfigFactory, hook_url) -> AsyncIterator[BotHarness]:
    listen = hook_url.split("/")[2]
    config = make_config(
        telegram={
            "api_base_url": tg.base_url,
            "admins": [ADMIN],
            "webhook": {"url": hook_url, "listen": listen},
        },
        topics=EXAMPLE_TOPICS,
    )
    async with running_bot(tg, config) as harness:
        yield harness


async def test_commands_arrive_by_webhook_and_are_answered(bot: BotHarness, hook_url):
    assert bot.tg.webhook_url == hook_url
    [reply] = await bot.say("/help")
    assert "/latest" in reply.text
    # Delivered once accepted (a POST before the bot's server listens is retried, as
    # Telegram retries): the last answer for the one update is a 200.
    assert {kind for kind, _ in bot.tg.webhook_posts} == {"message"}
    assert bot.tg.webhook_posts[-1] == ("message", 200)
    assert bot.tg.pollers == 0  # nobody long-polls while a webhook is set


async def test_a_channel_post_arrives_by_webhook_too(bot: BotHarness):
    bot.tg.add_chat(CHANNEL, "channel", admins=[ADMIN])
    [reply] = await bot.post("/help", chat_id=CHANNEL)
    assert "/latest" in reply.text


async def test_a_request_without_the_secret_is_refused_and_changes_nothing(
    bot: BotHarness, hook_url
):
    [reply] = await bot.say("/help")  # came by webhook: the bot's server is listening
    update = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "x"},
            "text": "/start",
        },
    }
    async with httpx.AsyncClient() as client:
        bare = await client.post(hook_url, json=update)
        wrong = await client.post(
            hook_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
    assert (bare.status_code, wrong.status_code) == (403, 403)
    [again] = await bot.say("/help")  # answered in order: the forged /start got nothing
    assert [r.text for r in bot.tg.sent(USER)] == [reply.text, again.text]


@pytest.mark.parametrize(
    "url", ["http://bot.example.org/hook", "ftp://bot.example.org/hook", "not a url"]
)
def test_a_webhook_url_telegram_would_not_post_to_is_refused(make_config: ConfigFactory, url):
    with pytest.raises(ConfigError, match=r"telegram\.webhook\.url"):
        make_config(telegram={"webhook": {"url": url}})


def test_a_webhook_listens_on_loopback_unless_told(make_config: ConfigFactory):
    config: Config = make_config(telegram={"webhook": {"url": "https://bot.example.org/h"}})
    assert config.telegram.webhook is not None
    assert config.telegram.webhook.listen == "127.0.0.1:8443"
