"""Every recurring job and its timing, in one place, for PTB's JobQueue or a bare scheduler.

Both are APScheduler 3 underneath. The bot uses PTB's JobQueue (errors reach PTB's error
handler); the dry run and ``poll --once`` have no bot, so they use an AsyncIOScheduler directly.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.ext import ContextTypes, JobQueue

log = logging.getLogger(__name__)

JobFunction = Callable[[datetime], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class RecurringJob:
    """A coroutine run every ``every``; it gets the clock reading of its run."""

    name: str
    every: timedelta
    run: JobFunction


def job_options(job: RecurringJob) -> dict[str, Any]:
    """The first run right away; never two runs of one job at once; a late run catches up
    once, not many times."""
    return {
        "id": job.name,
        "next_run_time": datetime.now(UTC),
        "replace_existing": True,
        "max_instances": 1,
        "coalesce": True,
        "misfire_grace_time": int(job.every.total_seconds() * 2) + 1,
    }


async def run_job(job: RecurringJob) -> None:
    """One run: read the clock once and pass it down."""
    await job.run(datetime.now(UTC))


def schedule_on_job_queue(job_queue: JobQueue[Any], jobs: Sequence[RecurringJob]) -> None:
    """Register ``jobs`` on PTB's JobQueue, each running first right away.

    Not with ``first=0``: by the time APScheduler adds the job that moment has passed, so the
    first run comes one interval later (PTB's docs warn of it). A freshly started bot went
    30 s without polling. ``job_options`` gives APScheduler's own ``next_run_time``, which
    is kept as given.
    """
    for job in jobs:

        async def callback(_context: ContextTypes.DEFAULT_TYPE, job: RecurringJob = job) -> None:
            await run_job(job)

        job_queue.run_repeating(
            callback, interval=job.every, name=job.name, job_kwargs=job_options(job)
        )


@dataclass(slots=True)
class Runs:
    """The runs in progress of a bare scheduler's jobs: a shutdown stops them before it
    closes the database and the client they use (APScheduler does not wait for coroutines)."""

    tasks: set["asyncio.Task[object]"] = field(default_factory=set)

    async def stop(self) -> None:
        """Cancel the runs in progress and wait until they have ended."""
        running = list(self.tasks)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


def schedule_on_scheduler(scheduler: AsyncIOScheduler, jobs: Sequence[RecurringJob]) -> Runs:
    """Register ``jobs`` on a bare AsyncIOScheduler (no bot), each running first right away;
    returns their runs, to stop at shutdown."""
    runs = Runs()
    for job in jobs:
        scheduler.add_job(
            _logged,
            "interval",
            args=(job, runs),
            seconds=job.every.total_seconds(),
            **job_options(job),
        )
    return runs


async def _logged(job: RecurringJob, runs: Runs) -> None:
    # Without PTB's error handler, an exception would only reach APScheduler's log line.
    task = asyncio.current_task()
    assert task is not None, "APScheduler runs a coroutine job as a task"
    runs.tasks.add(task)
    try:
        await run_job(job)
    except Exception:
        log.exception("job %s failed", job.name)
    finally:
        runs.tasks.discard(task)
