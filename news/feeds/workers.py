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

A worker that has had no job for a few seconds stops, and the next job starts a new one. The
bot is idle between poll cycles nearly all the time, and an idle parser process held 36 MB for
nothing; starting one costs about a fifth of a second of CPU once a cycle. Within a cycle the
processes stay: giving memory back after every job made the next parse fault the pages
straight back in (2.5 times the page faults, twice the system time).
"""

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing import get_context
from typing import Any, ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
WORKER_NICENESS = 10  # "nice 10": background batch work
QUEUED = 2  # jobs a worker holds at once: one running, one waiting
IDLE_AFTER = 5.0  # seconds without a job before a worker process stops
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class WorkTimeoutError(Exception):
    """A job ran longer than the deadline and its worker was killed."""


class WorkerPool:
    """A few worker processes with a per-job deadline; ``workers=0`` runs jobs in a thread."""

    def __init__(
        self, workers: int | None = None, *, timeout: float = 60.0, idle_after: float = IDLE_AFTER
    ) -> None:
        """A worker's process stops once it has had no job for ``idle_after`` seconds."""
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.timeout = timeout
        self._slots = asyncio.Semaphore(self.workers * QUEUED if self.workers else 1)
        self._processes = [_Worker(idle_after) for _ in range(self.workers)]

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

    def __init__(self, idle_after: float) -> None:
        self.pending = 0
        self._executor: ProcessPoolExecutor | None = None
        self._last: asyncio.Future[Any] | None = None  # the job handed over before the newest
        self._idle_after = idle_after
        self._idle_timer: asyncio.TimerHandle | None = None

    async def run(self, limit: float, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` once the job handed over before it has ended, within ``limit``
        seconds from then."""
        self._cancel_idle()
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
            if not self.pending:
                loop = asyncio.get_running_loop()
                self._idle_timer = loop.call_later(self._idle_after, self._idle)

    def _idle(self) -> None:
        """Stop the process: it has no job, and the next job starts a new one."""
        self._idle_timer = None
        if self._executor is not None and not self.pending:
            self._executor.shutdown(wait=False)
            self._executor = None

    def _cancel_idle(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _submit(
        self, executor: ProcessPoolExecutor, fn: Callable[..., T], *args: object
    ) -> "asyncio.Future[T]":
        future = asyncio.get_running_loop().run_in_executor(executor, fn, *args)
        # A job cut off by a restart fails with nobody left to ask: say it was seen.
        future.add_done_callback(_seen)
        return future

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs threads (aiosqlite, httpx) is unsafe.
        self._executor = ProcessPoolExecutor(
            1,
            mp_context=get_context("spawn"),
            initializer=_prepare_worker,
            initargs=(os.getpid(),),
        )
        return self._executor

    def _restart(self, executor: ProcessPoolExecutor) -> None:
        if self._executor is executor:
            self._executor = None
        _kill(executor)

    def close(self) -> None:
        self._cancel_idle()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _seen(future: "asyncio.Future[Any]") -> None:
    if not future.cancelled():
        future.exception()


def _prepare_worker(parent: int) -> None:
    """In each worker: yield the CPU to the bot's own process when both want it, and end
    with the bot, however it ends."""
    with contextlib.suppress(OSError):  # not permitted: run at normal priority
        os.nice(WORKER_NICENESS)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies. After a kill -9 of the bot its
    parser processes, and the resource tracker they keep open, otherwise lived on for
    minutes (one at 198 MB). Elsewhere a no-op: they end when their queue closes."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the bot died before the request took effect
        os._exit(1)


def _kill(executor: ProcessPoolExecutor) -> None:
    # The executor has no public way to stop a running job; its processes are the only handle.
    processes = dict(getattr(executor, "_processes", None) or {})
    for process in processes.values():
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        process.join(timeout=5)
