"""Two ``run --role updates`` processes on one token: one takes the updates, the other stands by.

Telegram gives a token's updates to one consumer; two long polls end each other with 409
Conflict, and each process would answer what it got. Each /start here must be answered exactly
once: while both processes run, and after the one receiving is killed (SIGKILL) and the
standby takes over its lease.
"""

from collections import Counter

import pytest

from tests.fakes.telegram import FakeTelegram
from tests.reliability.fleet import Processes, until, write_config

pytestmark = pytest.mark.slow
WAIT = 180.0  # a deadline for a stuck process, not a timing: a loaded machine is slow


async def test_a_standby_updates_process_answers_nothing_until_the_leader_dies(
    tmp_path, database_url
):
    with FakeTelegram(latency=0.01, implicit_chats=True) as tg:
        config = write_config(tmp_path, [], database_url, tg.base_url)
        # The fleet's 5 s lease, made 20 s: a leader that a busy machine stalls for a few
        # seconds keeps its lease, and the standby stays a standby until the kill.
        text = config.read_text(encoding="utf-8")
        longer = text.replace('[roles]\nlease = "5s"', '[roles]\nlease = "20s"')
        assert longer != text
        config.write_text(longer, encoding="utf-8")
        processes = Processes(config, tmp_path, tg.token)
        try:
            processes.start("first", "updates")
            await until(
                lambda: processes.says("first", "leading updates"),
                processes,
                within=WAIT,
                what="the first process to lead updates",
            )
            await answered(tg, processes, range(1, 21))
            processes.start("second", "updates")
            await until(
                lambda: processes.says("second", "bot running"),
                processes,
                within=WAIT,
                what="the second process to start",
            )
            await answered(tg, processes, range(21, 41))
            assert not processes.says("second", "leading updates")
            assert tg.count("getUpdates", status=409) == 0  # never two consumers at once

            processes.kill("first")
            await answered(tg, processes, range(41, 61))
            assert processes.says("second", "leading updates")
        finally:
            processes.stop_all()

        replies = Counter(r.chat_id for r in tg.sent() if r.method == "sendMessage")
    assert set(replies) == set(range(1, 61))
    assert len(set(replies.values())) == 1, replies  # the same reply once in every chat


async def answered(tg: FakeTelegram, processes: Processes, chats: range) -> None:
    """Send /start from each chat; wait until every one has had its reply."""
    for chat in chats:
        tg.push_message(chat, chat, "/start")
    await until(
        lambda: all(tg.sent(chat) for chat in chats),
        processes,
        within=WAIT,
        what=f"replies to chats {chats.start}–{chats.stop - 1}",
    )
