"""Roles: one process answers commands, another sends; a process does only what it is told."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import open_services
from bot.roles import ALL, RoleError, parse_roles
from news.store.chats import subscribe, update_chat
from tests.bot.harness import USER, BotHarness, unpaced
from tests.conftest import REPO
from tests.outbox import feeds_read_before, outbox_states

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        (None, ALL),
        ("", ALL),
        ("updates,send", {"updates", "send"}),
        ("poll  schedule", {"poll", "schedule"}),
        ("Send", {"send"}),
    ],
)
def test_roles_are_read_as_written(text, roles):
    assert parse_roles(text) == roles


def test_an_unknown_role_is_named():
    with pytest.raises(RoleError, match="unknown role fetch; roles are updates, send"):
        parse_roles("updates,fetch")


async def test_commands_in_one_process_pushes_from_another(tg, bot_config):
    async with open_services(bot_config) as services:
        front = BotHarness(tg, services, pacer=unpaced(), roles=frozenset({"updates", "schedule"}))
        await front.start()
        try:
            [reply] = await front.say("/start")  # a reply needs no sender
            assert reply.text == "Choose the language I write in:"
            await subscribe(services.db, USER, ["cambodia-eba"], NOW - timedelta(days=1))
            await update_chat(services.db, USER, mode="instant")
            await feeds_read_before(services.db, NOW - timedelta(hours=1))
            await services.poller.poll_due(NOW)
            assert await services.dispatcher.fan_out(NOW) == 1
            assert await outbox_states(services.db) == {"pending": 1}  # nobody sends here
            back = BotHarness(tg, services, pacer=unpaced(), roles=frozenset({"send"}))
            await back.start()
            await front.wait(lambda: len(tg.sent(USER)) == 2)
            await back.stop()
        finally:
            await front.stop()
    assert "Everything But Arms" in tg.sent(USER)[1].text
    assert tg.pollers == 0


def test_the_command_line_refuses_an_unknown_role():
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--role", "mailman", "--config",
         str(REPO / "config.example.toml")],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "run: unknown role mailman; roles are updates, send, schedule, poll"
    )
