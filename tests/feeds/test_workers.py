"""The parser process pool: work runs elsewhere, at a lower priority, within a deadline."""

import asyncio
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from news.feeds.workers import WORKER_NICENESS, WorkerPool, WorkTimeoutError
from news.fetch.memory import _malloc_trim, release_free_memory
from tests.conftest import REPO


async def test_workers_run_at_a_lower_cpu_priority_than_the_bot():
    pool = WorkerPool(1)
    try:
        worker_niceness = await pool.run(os.nice, 0)  # os.nice(0) reads the niceness
    finally:
        pool.close()
    assert worker_niceness == min(19, os.nice(0) + WORKER_NICENESS)


async def test_a_job_past_its_deadline_is_killed_and_the_pool_still_works():
    pool = WorkerPool(1, timeout=0.5)
    try:
        with pytest.raises(WorkTimeoutError):
            await pool.run(time.sleep, 30)
        assert await pool.run(sum, [1, 2, 3]) == 6
    finally:
        pool.close()


async def test_a_job_past_its_deadline_in_a_thread_raises_the_same_error():
    release = threading.Event()
    pool = WorkerPool(0, timeout=0.05)  # workers=0: jobs run in a thread
    try:
        with pytest.raises(WorkTimeoutError):
            await pool.run(release.wait, 30)
    finally:
        release.set()  # the abandoned thread finishes


def _timed_sleep(seconds: float) -> tuple[float, float]:
    start = time.time()
    time.sleep(seconds)
    return start, time.time()


async def test_a_worker_starts_its_next_job_without_waiting_for_a_busy_event_loop():
    pool = WorkerPool(1, timeout=5)
    try:
        await pool.run(sum, [0])  # the process is up
        first = asyncio.ensure_future(pool.run(_timed_sleep, 0.2))
        second = asyncio.ensure_future(pool.run(_timed_sleep, 0.0))
        for _ in range(10):
            await asyncio.sleep(0)  # both jobs are handed over
        time.sleep(1.0)  # noqa: ASYNC251 - the bot's event loop is busy for a second
        (_, first_end), (second_start, _) = await first, await second
    finally:
        pool.close()
    assert second_start - first_end < 0.5  # not after the loop came back


async def test_a_job_past_its_deadline_costs_only_its_own_worker():
    pool = WorkerPool(2, timeout=2)  # time for the replaced process to start, too
    try:
        # Jobs go to the worker with the fewest: these two, one to each.
        before = await asyncio.gather(pool.run(os.getpid), pool.run(os.getpid))
        stuck = asyncio.ensure_future(pool.run(time.sleep, 30))
        other = asyncio.ensure_future(pool.run(time.sleep, 0.1))
        behind = asyncio.ensure_future(pool.run(sum, [1, 2]))  # queued behind the stuck job
        with pytest.raises(WorkTimeoutError):
            await stuck
        assert await behind == 3  # it ran on the replaced process, not charged for the wait
        await other
        after = await asyncio.gather(pool.run(os.getpid), pool.run(os.getpid))
    finally:
        pool.close()
    assert after[0] != before[0]  # the stuck job's process was replaced
    assert after[1] == before[1]  # the other one was left alone


def _has_ended(pid: int) -> bool:
    """Whether process ``pid`` has exited (a zombie waiting to be reaped counts)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


async def _ended_soon(pid: int) -> bool:
    """Whether process ``pid`` ends within five seconds (polled: it is another process)."""
    for _ in range(500):
        if _has_ended(pid):
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_worker_stops_once_idle_not_between_jobs_and_the_next_job_starts_one():
    pool = WorkerPool(1, idle_after=0.2)
    try:
        burst = await asyncio.gather(*(pool.run(os.getpid) for _ in range(8)))  # back to back
        stopped = await _ended_soon(burst[0])
        later = await pool.run(os.getpid)
    finally:
        pool.close()
    assert len(set(burst)) == 1  # one process for the whole burst
    assert stopped
    assert later != burst[0]
    assert await _ended_soon(later)  # closing the pool stops the new one too


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_memory_can_be_handed_back_to_the_os_on_glibc():
    assert _malloc_trim() is not None
    release_free_memory()  # and calling it is harmless


def _top_level_modules_after(imports: str) -> str:
    """The top-level modules a fresh interpreter holds after ``import {imports}``."""
    probe = f"import sys, {imports}; print(sorted({{m.split('.')[0] for m in sys.modules}}))"
    return subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout


def test_a_parser_process_loads_neither_telegram_nor_the_database_nor_config_validation():
    # Parser processes are spawned, and a spawned process imports the main module
    # (`rights-digest`, which imports bot.cli) again, then the job's (news.feeds.normalise): each
    # heavy import there would cost every worker its start-up time and memory (pydantic
    # alone: 70 ms and 10 MB).
    loaded = _top_level_modules_after("bot.cli, news.feeds.normalise, news.feeds.workers")
    assert "'news'" in loaded  # the probe ran
    for heavy in ("telegram", "sqlalchemy", "alembic", "httpx", "apscheduler", "pydantic"):
        assert f"'{heavy}'" not in loaded


def test_the_entry_point_leaves_even_the_feed_parser_unloaded():
    loaded = _top_level_modules_after("bot.cli")
    assert "'bot'" in loaded
    for heavy in ("feedparser", "lxml", "pydantic"):
        assert f"'{heavy}'" not in loaded


# The bot's own process, started as `rights-digest run` starts it: it never parses a feed,
# and it needs Alembic only when its database is behind.
BOT_PROCESS = """
import asyncio, sys
from bot.app import open_services
from news.config import parse_config
from pathlib import Path
url = "sqlite+aiosqlite:///" + sys.argv[1]
config = parse_config({"storage": {"database_url": url}}, base_dir=Path("."), environ={})
async def main():
    async with open_services(config, workers=1):
        pass
asyncio.run(main())
print(sorted({m.split('.')[0] for m in sys.modules}))
"""


def test_the_bot_process_loads_no_feed_parser_and_alembic_only_to_migrate(tmp_path):
    def bot_process_modules() -> str:
        return subprocess.run(
            [sys.executable, "-c", BOT_PROCESS, str(tmp_path / "bot.db")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    first, second = bot_process_modules(), bot_process_modules()
    assert "'alembic'" in first  # a new database: migrated
    assert "'sqlalchemy'" in second  # the probe ran
    assert "'alembic'" not in second  # already current
    for heavy in ("feedparser", "lxml"):
        assert f"'{heavy}'" not in first
        assert f"'{heavy}'" not in second


# A bot with a parser process at work: it prints the parser's pid and its own, then waits to
# be killed.
PARENT = """
import asyncio, os, sys
from news.feeds.workers import WorkerPool
async def main():
    pool = WorkerPool(1, idle_after=600)
    worker = await pool.run(os.getpid)
    print(worker, flush=True)
    await asyncio.sleep(600)
asyncio.run(main())
"""


def test_parser_processes_end_with_the_bot_even_after_kill_9():
    # Sync on purpose: asyncio's wait() for a child waits for its pipes too, which an
    # orphaned parser would hold open, so a failure would hang instead of failing.
    with subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, cwd=REPO
    ) as bot:
        try:
            assert bot.stdout is not None
            worker = int(bot.stdout.readline())
            assert not _has_ended(worker)
            trackers = _children_of(bot.pid) - {worker}
        finally:
            bot.kill()
            bot.wait()
        assert asyncio.run(_ended_soon(worker))
        for tracker in trackers:  # multiprocessing's resource tracker: its pipe closed
            assert asyncio.run(_ended_soon(tracker))


def _children_of(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in children.read_text().split()} if children.exists() else set()
