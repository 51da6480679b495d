"""The target of issue 24, as a test: a fleet of real processes on one PostgreSQL database.

Two ``poll`` processes, an active and a standby ``send``, one ``updates`` and one ``schedule``
(``tests/reliability/fleet.py``); 500 feeds on loopback and 5,000 chats; the Bot API stand-in
in its own process, with Telegram's limits on. The active sender is killed (SIGKILL) mid-
broadcast. It runs in ``make test-pg`` (``--backend postgresql``). How fast it went and how
many 429s it met are bench B7's (``docs/scaling.md``): a busy machine makes those, not the
code.
"""

import os
from collections import Counter

import pytest

from bench.telegram_process import RemoteTelegram
from tests.postgres import SERVER_ENV, find_bindir
from tests.reliability.fleet import ITEMS, run_fleet

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_bindir() is None and not os.environ.get(SERVER_ENV),
        reason=f"needs PostgreSQL: initdb not found and {SERVER_ENV} not set",
    ),
]
FEEDS, CHATS = 500, 5000


@pytest.mark.postgresql_only("a SQLite file takes one sender; the fleet is several processes")
async def test_a_fleet_of_processes_loses_nothing_doubles_nothing_and_survives_kill_9(
    tmp_path, database_url
):
    async with RemoteTelegram(latency=0.05, implicit_chats=True) as tg:
        fleet = await run_fleet(tmp_path, database_url, tg, feeds=FEEDS, chats=CHATS)
    print(f"fleet: {fleet.rates}, in flight at the kill {fleet.in_flight}, "
          f"longest pause after it {fleet.takeover_s:.1f}s")  # fmt: skip
    assert fleet.stories == FEEDS * ITEMS  # no story lost
    assert fleet.fetches == Counter({f"/f{n}.xml": 1 for n in range(FEEDS)})  # once a cycle
    assert set(fleet.per_chat) == set(range(1, CHATS + 1))  # every chat got its alert
    assert fleet.duplicates <= fleet.in_flight  # repeats only of what was in flight
    assert fleet.outbox == {"sent": CHATS}
    assert fleet.standby_led  # the standby took over and finished the broadcast
