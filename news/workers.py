"""Running CPU-bound pure steps (parsing) off the event loop, in worker processes.

feedparser holds the GIL, so threads would not parse two feeds at once and a large feed would
stall the bot's replies; processes do neither. Workers run at a lower CPU priority: parsing is
batch work, and a subscriber's /latest should not queue behind it for a core.

Each worker is a process of its own with up to ``QUEUED`` jobs: one running and one waiting,
so it starts the next as soon as it finishes one, not when the bot's busy event loop gets
round to handing it over. A job's deadline starts when the job before it on its worker ends,
so no job is charged for another's time. A job that runs past its deadline (a parser bug on
hostile input) costs its worker the process: it is killed and replaced, and jobs waiting
behind it run on the new one.
"""

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing import get_context
from typing import Any, ParamSpec, TypeVar

from news.memory import release_free_memory

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
WORKER_NICENESS = 10  # "nice 10": background batch work
QUEUED = 2  # jobs a worker holds at once: one running, one waiting


class WorkTimeoutError(Exception):
    """A job ran longer than the deadline and its worker was killed."""


class WorkerPool:
    """A few worker processes with a per-job deadline; ``workers=0`` runs jobs in a thread."""

    def __init__(self, workers: int | None = None, *, timeout: float = 60.0) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.timeout = timeout
        self._slots = asyncio.Semaphore(self.workers * QUEUED if self.workers else 1)
        self._processes = [_Worker() for _ in range(self.workers)]

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args)`` in a worker; raise WorkTimeoutError past the deadline."""
        if kwargs:
            raise TypeError("pass arguments positionally; they are pickled to the worker")
        async with self._slots:
            if self.workers == 0:
                try:
                    return await asyncio.wait_for(
                        asyncio.to_thread(partial(fn, *args)), self.timeout
                    )
                except TimeoutError:  # the thread runs on; its result is dropped
                    raise WorkTimeoutError(f"took longer than {self.timeout:g}s") from None
            worker = min(self._processes, key=lambda w: w.pending)
            return await worker.run(self.timeout, fn, *args)

    def close(self) -> None:
        """Stop the worker processes (pending jobs are cancelled)."""
        for worker in self._processes:
            worker.close()


class _Worker:
    """One worker process and the jobs handed to it, run in the order given."""

    def __init__(self) -> None:
        self.pending = 0
        self._executor: ProcessPoolExecutor | None = None
        self._last: asyncio.Future[Any] | None = None  # the job handed over before the newest

    async def run(self, limit: float, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` once the job handed over before it has ended, within ``limit``
        seconds from then."""
        self.pending += 1
        try:
            retried = False
            while True:
                executor = self._executor or self._start()
                ahead = self._last
                try:
                    future = self._submit(executor, fn, *args)
                    self._last = future
                    if ahead is not None:
                        await asyncio.wait([ahead])  # its own deadline bounds this wait
                    return await asyncio.wait_for(asyncio.shield(future), limit)
                except BrokenProcessPool:
                    # The job ahead ran past its deadline and took the process with it (or the
                    # process died): not this job's fault, so it runs once more on a new one.
                    self._restart(executor)
                    if retried:
                        raise
                    retried = True
                except TimeoutError:
                    log.error("a parse ran past %gs; restarting its parser process", limit)
                    self._restart(executor)
                    raise WorkTimeoutError(f"took longer than {limit:g}s") from None
        finally:
            self.pending -= 1

    def _submit(
        self, executor: ProcessPoolExecutor, fn: Callable[..., T], *args: object
    ) -> "asyncio.Future[T]":
        future = asyncio.get_running_loop().run_in_executor(executor, _then_trim, fn, *args)
        # A job cut off by a restart fails with nobody left to ask: say it was seen.
        future.add_done_callback(_seen)
        return future

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs threads (aiosqlite, httpx) is unsafe.
        self._executor = ProcessPoolExecutor(
            1, mp_context=get_context("spawn"), initializer=_lower_priority
        )
        return self._executor

    def _restart(self, executor: ProcessPoolExecutor) -> None:
        if self._executor is executor:
            self._executor = None
        _kill(executor)

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _seen(future: "asyncio.Future[Any]") -> None:
    if not future.cancelled():
        future.exception()


def _then_trim(fn: Callable[..., T], *args: object) -> T:
    """In a worker: run the job, then hand its garbage back to the OS, so idle workers
    stay small between poll cycles."""
    try:
        return fn(*args)
    finally:
        release_free_memory()


def _lower_priority() -> None:
    """In each worker: yield the CPU to the bot's own process when both want it."""
    with contextlib.suppress(OSError):  # not permitted: run at normal priority
        os.nice(WORKER_NICENESS)


def _kill(executor: ProcessPoolExecutor) -> None:
    # The executor has no public way to stop a running job; its processes are the only handle.
    processes = dict(getattr(executor, "_processes", None) or {})
    for process in processes.values():
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        process.join(timeout=5)
