"""Running CPU-bound pure steps (parsing) off the event loop, in worker processes.

feedparser holds the GIL, so threads would not parse two feeds at once and a large feed would
stall the bot's replies; processes do neither. Workers run at a lower CPU priority: parsing is
batch work, and a subscriber's /latest should not queue behind it for a core. A parse that runs
past its deadline (a parser bug on hostile input) costs the pool its processes: they are killed
and replaced.
"""

import asyncio
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import ParamSpec, TypeVar

from news.memory import release_free_memory

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
WORKER_NICENESS = 10  # "nice 10": background batch work


class WorkTimeoutError(Exception):
    """A job ran longer than the deadline and its worker was killed."""


class WorkerPool:
    """A small process pool with a per-job deadline; ``workers=0`` runs jobs in a thread."""

    def __init__(self, workers: int | None = None, *, timeout: float = 60.0) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.timeout = timeout
        self._slots = asyncio.Semaphore(max(self.workers, 1))
        self._executor: Executor | None = None

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
            try:
                return await self._submit(fn, *args)
            except BrokenProcessPool:
                # Another job's timeout killed the pool under us: that was not this job's fault.
                self._restart()
                return await self._submit(fn, *args)

    async def _submit(self, fn: Callable[..., T], *args: object) -> T:
        executor = self._executor or self._start()
        future = asyncio.get_running_loop().run_in_executor(executor, _then_trim, fn, *args)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            log.error("a parse ran past %.0fs; restarting the parser processes", self.timeout)
            self._restart()
            raise WorkTimeoutError(f"took longer than {self.timeout:g}s") from None

    def _start(self) -> Executor:
        # spawn, not fork: forking a process that runs threads (aiosqlite, httpx) is unsafe.
        context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_lower_priority
        )
        return self._executor

    def _restart(self) -> None:
        executor, self._executor = self._executor, None
        if isinstance(executor, ProcessPoolExecutor):
            _kill(executor)

    def close(self) -> None:
        """Stop the worker processes (pending jobs are cancelled)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


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
