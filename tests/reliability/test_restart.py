"""The all-in-one bot killed with SIGKILL and started again on the same host leads at once.

Its leases (``updates``, ``schedule``, and ``send`` on PostgreSQL) are still in the dead
process's name. They are made 10 minutes long here, longer than the test's deadline: the
restarted bot answering at all shows it took them from the dead process, not at their expiry.
"""

import pytest

from tests.fakes.telegram import FakeTelegram
from tests.reliability.fleet import Processes, until, write_config
from tests.reliability.test_updates_standby import answered
from tests.rows import rows

pytestmark = pytest.mark.slow
WAIT = 180.0  # a deadline for a stuck process, not a timing; shorter than the lease below
ALL = "updates,send,schedule,poll"


async def test_a_bot_restarted_after_a_kill_takes_its_leases_at_once(tmp_path, database_url):
    with FakeTelegram(latency=0.01, implicit_chats=True) as tg:
        config = write_config(tmp_path, [], database_url, tg.base_url)
        text = config.read_text(encoding="utf-8")
        longer = text.replace('[roles]\nlease = "5s"', '[roles]\nlease = "600s"')
        assert longer != text
        config.write_text(longer, encoding="utf-8")
        led = {"updates", "schedule"} | ({"send"} if "postgresql" in database_url else set())
        processes = Processes(config, tmp_path, tg.token)
        try:

            async def leads_every_role(name: str, chats: range) -> int:
                """Start ``name``; once it has answered ``chats``, its pid, holding every lease."""
                processes.start(name, ALL)
                await answered(tg, processes, chats)
                pid = processes.running[name].pid
                await until(
                    lambda: leaders(database_url) == dict.fromkeys(led, pid),
                    processes,
                    within=WAIT,
                    what=f"the {name} process to lead every role",
                )
                return pid

            first = await leads_every_role("first", range(1, 11))
            processes.kill("first")
            await leads_every_role("restarted", range(11, 21))
            assert processes.says("restarted", f"its holder (pid {first}) is dead")
        finally:
            processes.stop_all()
    replies = [r.chat_id for r in tg.sent() if r.method == "sendMessage"]
    assert sorted(set(replies)) == list(range(1, 21))


def leaders(url: str) -> dict[str, object]:
    """Each led role's holding pid."""
    return dict(rows(url, "SELECT role, pid FROM leaders"))  # type: ignore[arg-type]
