"""Recurring jobs run first as soon as they are scheduled, then on their interval."""

import asyncio
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.ext import ApplicationBuilder

from jobs.schedule import RecurringJob, schedule_on_job_queue, schedule_on_scheduler

# Far longer than a test waits: a first run one interval late would time the test out.
EVERY = timedelta(minutes=10)


def job_that_sets(ran: asyncio.Event) -> RecurringJob:
    async def run(_now: datetime) -> None:
        ran.set()

    return RecurringJob("poll", EVERY, run)


async def test_on_ptbs_job_queue_a_job_runs_first_at_once_not_one_interval_later():
    # The bot's jobs: PTB's own first=0 runs first one interval later (its docs say so), which
    # left a freshly started bot 30 s without a poll.
    application = ApplicationBuilder().token("123:test").build()
    assert application.job_queue is not None
    ran = asyncio.Event()
    schedule_on_job_queue(application.job_queue, [job_that_sets(ran)])
    await application.job_queue.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
        (job,) = application.job_queue.get_jobs_by_name("poll")
    finally:
        await application.job_queue.stop()
    assert job.next_t is not None  # and the next run one interval on
    assert job.next_t - datetime.now(job.next_t.tzinfo) > EVERY - timedelta(minutes=1)


async def test_on_the_bare_scheduler_a_job_runs_first_at_once():
    # The dry run and `poll --once` have no bot.
    scheduler = AsyncIOScheduler()
    ran = asyncio.Event()
    schedule_on_scheduler(scheduler, [job_that_sets(ran)])
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
    finally:
        scheduler.shutdown(wait=False)


async def test_stopping_the_bare_schedulers_runs_ends_a_run_in_progress():
    # The dry run closes its database and client after this: no run may still use them.
    started, ended = asyncio.Event(), asyncio.Event()

    async def slow(_now: datetime) -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # a poll cycle that would outlive the shutdown
        finally:
            ended.set()

    scheduler = AsyncIOScheduler()
    runs = schedule_on_scheduler(scheduler, [RecurringJob("slow", EVERY, slow)])
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    scheduler.shutdown(wait=False)
    await runs.stop()
    assert ended.is_set()
    assert runs.tasks == set()
