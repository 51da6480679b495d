"""``run --role updates`` and ``run --role send`` in two processes on one token: replies
borrow the rate the sender is using, and nothing is lost or doubled on the way.

During a broadcast to ``PUSHES`` chats, ``STARTS`` other chats send /start: every one is
answered exactly once and every push delivered exactly once, on SQLite (the file's lock makes
the one sender) and on PostgreSQL (the ``send`` lease does). How fast is the business of
bench B9 (``bench.b9_split``).
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import open_services
from news.config import load_config
from tests.fakes.telegram import FakeTelegram
from tests.outbox import add_chats, queue_messages
from tests.reliability.fleet import Processes, until, write_config

pytestmark = pytest.mark.slow
WAIT = 300.0  # a deadline for a stuck process, not a timing: a loaded machine is slow
PUSHES, STARTS = 300, 60
FIRST_START = 10_000  # the /start chats: ids of their own, unknown to the bot before


async def test_replies_during_a_broadcast_are_answered_once_and_pushes_sent_once(
    tmp_path, database_url
):
    with FakeTelegram(latency=0.01, implicit_chats=True) as tg:
        config = write_config(tmp_path, [], database_url, tg.base_url)
        async with open_services(load_config(config)) as services:  # migrated
            now = datetime.now(UTC)
            pushed = await add_chats(
                services.db, range(1, PUSHES + 1), topic="cambodia-eba", since=now - timedelta(1)
            )
            await queue_messages(services.db, pushed, now)
        processes = Processes(config, tmp_path, tg.token)
        starts = range(FIRST_START, FIRST_START + STARTS)
        try:
            processes.start("updates", "updates")
            processes.start("send", "send")
            await until(lambda: len(delivered(tg, pushed)) >= PUSHES // 4, processes,
                        within=WAIT, what="the broadcast to be under way")  # fmt: skip
            for chat in starts:
                tg.push_message(chat, chat, "/start")
            await until(lambda: len(delivered(tg, starts)) == STARTS, processes,
                        within=WAIT, what="every /start to be answered")  # fmt: skip
            await until(lambda: len(delivered(tg, pushed)) == PUSHES, processes,
                        within=WAIT, what="every push to be delivered")  # fmt: skip
        finally:
            processes.stop_all()
        assert processes.says("updates", "bot running")  # both ran apart, sharing the rate
        sends = Counter(r.chat_id for r in tg.sent() if r.method == "sendMessage")
    assert {chat: sends[chat] for chat in pushed} == dict.fromkeys(pushed, 1)
    assert {chat: sends[chat] for chat in starts} == dict.fromkeys(starts, 1)


def delivered(tg: FakeTelegram, chats) -> set[int]:
    return {r.chat_id for r in tg.sent() if r.method == "sendMessage" and r.chat_id in chats}
