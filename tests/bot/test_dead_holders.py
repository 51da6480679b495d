"""A lease held by a dead process on this host is taken at once; a live holder, one whose
process cannot be seen (unknown start, another host), keeps it until it runs out.

The holders are real processes: a child waiting on its stdin, then killed with SIGKILL.
"""

import dataclasses
import os
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.leadership import Lead
from bot.processes import is_gone, process_holder, this_process
from news.store.leaders import Holder, hold_lead, lead_holder

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=15)
pytestmark = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/stat").exists(), reason="process start times need /proc"
)


@pytest.fixture
def child():
    """A live process of this host; the test kills it when it wants it dead."""
    with subprocess.Popen(["cat"], stdin=subprocess.PIPE) as process:
        yield process
        if process.poll() is None:
            process.kill()


def killed(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def lead(db, seconds: float) -> Lead:
    """A ``Lead`` of this process, whose clocks read ``seconds`` after T0."""
    at = T0 + timedelta(seconds=seconds)
    return Lead(db, "updates", LEASE, clock=lambda: seconds, now=lambda: at)


def test_this_process_is_alive_and_a_killed_one_is_gone(child):
    assert not is_gone(this_process("me"))
    holder = process_holder("child", child.pid)
    assert holder.started  # this host, boot and pid namespace, and its start
    assert not is_gone(holder)
    killed(child)
    assert is_gone(holder)


def test_a_killed_process_its_parent_has_not_reaped_is_gone(child):
    holder = process_holder("child", child.pid)
    child.send_signal(signal.SIGKILL)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # ended; left a zombie
    assert is_gone(holder)


async def test_a_lease_whose_holder_was_killed_on_this_host_is_taken_at_once(open_db, child):
    db = open_db()
    assert await hold_lead(db, "updates", process_holder("dead", child.pid), T0, LEASE)
    standby = lead(db, 1.0)  # 14 s before the lease would run out
    await standby._try()
    assert not standby.holds()  # alive: it keeps its lease
    killed(child)
    await standby._try()
    assert standby.holds()
    assert await lead_holder(db, "updates") == standby.me
    assert standby.me.pid == os.getpid()


async def test_a_reused_pid_does_not_keep_a_dead_holders_lease(open_db):
    db = open_db()
    me = this_process("earlier")
    where, _, ticks = me.started.rpartition(" ")
    earlier = dataclasses.replace(me, started=f"{where} {int(ticks) - 1}")  # our pid, before us
    assert await hold_lead(db, "updates", earlier, T0, LEASE)
    standby = lead(db, 1.0)
    await standby._try()
    assert standby.holds()


@pytest.mark.parametrize(
    "unseen",
    [
        {"host": "another-machine"},  # its pids are not ours to look up
        {"started": ""},  # written where /proc is missing: unknown is alive
    ],
    ids=["another host", "unknown start"],
)
async def test_a_holder_that_cannot_be_seen_keeps_its_lease_until_it_runs_out(
    open_db, child, unseen
):
    db = open_db()
    holder = dataclasses.replace(process_holder("away", child.pid), **unseen)
    killed(child)
    assert await hold_lead(db, "updates", holder, T0, LEASE)
    early = lead(db, 14.0)
    await early._try()
    assert not early.holds()
    assert await lead_holder(db, "updates") == holder
    late = lead(db, 15.5)  # the lease ran out
    await late._try()
    assert late.holds()


async def test_taking_from_a_dead_owner_leaves_a_lease_someone_else_took_meanwhile(open_db):
    db = open_db()
    assert await hold_lead(db, "updates", Holder("dead"), T0, LEASE)
    assert await hold_lead(db, "updates", "dead", T0 + timedelta(seconds=1), LEASE)
    other = Holder("other", "another-machine", 7, "")  # took it once it ran out...
    assert await hold_lead(db, "updates", other, T0 + timedelta(seconds=17), LEASE)
    late = this_process("late")  # ...after this process found "dead" dead
    at = T0 + timedelta(seconds=18)
    taken = await hold_lead(db, "updates", late, at, LEASE, take_from="dead")
    assert not taken
    assert await lead_holder(db, "updates") == other
