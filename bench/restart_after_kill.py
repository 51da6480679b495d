"""The all-in-one bot killed with SIGKILL, then started again: seconds from the restart to
the first answered command, with the default lease (15 s), on a SQLite file.

Printed, not asserted (``tests/reliability/test_restart.py`` asserts the behaviour). Also
the same for a first start on a new database, for what starting alone costs here.

    python -m bench.restart_after_kill
"""

import asyncio
import tempfile
import time
from pathlib import Path

from tests.fakes.telegram import FakeTelegram
from tests.reliability.fleet import Processes, until, write_config

ALL = "updates,send,schedule,poll"
WAIT = 120.0


async def first_answer(tg: FakeTelegram, processes: Processes, name: str, chat: int) -> float:
    """Start ``name`` with a /start waiting; seconds until it is answered."""
    tg.push_message(chat, chat, "/start")
    started = time.monotonic()
    processes.start(name, ALL)
    await until(lambda: bool(tg.sent(chat)), processes, within=WAIT, what=f"{name}'s answer")
    return time.monotonic() - started


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(implicit_chats=True) as tg:
        tmp = Path(folder)
        config = write_config(tmp, [], f"sqlite+aiosqlite:///{tmp}/bot.db", tg.base_url)
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('[roles]\nlease = "5s"', "[roles]"), encoding="utf-8")
        processes = Processes(config, tmp, tg.token)
        try:
            fresh = await first_answer(tg, processes, "first", 1)
            processes.kill("first")
            restarted = await first_answer(tg, processes, "restarted", 2)
        finally:
            processes.stop_all()
    print(f"first start, to the first answer:           {fresh:5.1f} s")
    print(f"restart after kill -9, to the first answer: {restarted:5.1f} s (lease 15 s)")


if __name__ == "__main__":
    asyncio.run(main())
