"""The parser process pool: work runs elsewhere, at a lower priority, within a deadline."""

import os
import platform
import subprocess
import sys
import threading
import time

import pytest

from news.memory import _malloc_trim, release_free_memory
from news.workers import WORKER_NICENESS, WorkerPool, WorkTimeoutError


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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_memory_can_be_handed_back_to_the_os_on_glibc():
    assert _malloc_trim() is not None
    release_free_memory()  # and calling it is harmless


def test_the_entry_point_leaves_telegram_and_the_database_unloaded():
    # Parser processes are spawned, and a spawned process imports the main module
    # (`rights-digest`, which imports bot.cli) again: each heavy import there would cost every
    # worker its start-up time and memory.
    probe = "import sys, bot.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    for heavy in ("telegram", "sqlalchemy", "alembic", "httpx", "apscheduler", "feedparser"):
        assert f"'{heavy}'" not in loaded
