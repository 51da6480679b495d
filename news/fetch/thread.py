"""The feed client on an event loop of its own thread, so that fetching never queues ahead of
a reply.

At the start of a poll cycle dozens of requests are in flight and hundreds wait for a slot;
the loop running them does little else for a second or two. Each of its callbacks is short,
but a reply's every step waits for its turn behind all of them: a /latest took up to 0.3 s
then (B3). On a loop of its own, fetching competes with the bot's loop only for the GIL,
which Python hands over every few milliseconds.

Only the HTTP work moves: the callers' slots, budgets and stores stay on their own loop, and
a hook the fetch calls back (``on_caller_loop``) runs there.
"""

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

import httpx

P = ParamSpec("P")
T = TypeVar("T")


class FetchThread:
    """One ``httpx.AsyncClient``, used only on this thread's event loop."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="fetch", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    async def run(
        self,
        fn: Callable[Concatenate[httpx.AsyncClient, P], Coroutine[Any, Any, T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``await fn(client, *args, **kwargs)`` on the fetch loop.

        Cancelling the caller cancels the fetch, and the caller then waits for it to end: what
        the fetch holds of the caller's (a large-body place) is settled before it goes on.
        """
        caller = asyncio.get_running_loop()
        done: asyncio.Future[T] = caller.create_future()
        started: list[asyncio.Task[T]] = []
        fetch = fn(self._client, *args, **kwargs)  # a wrong call fails here, in the caller

        def start() -> None:
            task = self._loop.create_task(fetch)
            task.add_done_callback(lambda _: caller.call_soon_threadsafe(_settle, done, task))
            started.append(task)

        try:
            self._loop.call_soon_threadsafe(start)
        except RuntimeError:  # the loop is closed
            fetch.close()
            raise RuntimeError("the fetch thread is closed") from None
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            # Callbacks run in the order given, so the task exists when this one runs.
            self._loop.call_soon_threadsafe(lambda: started[0].cancel())
            await asyncio.wait([done])
            raise

    async def aclose(self) -> None:
        """Cancel fetches still running, close the client on its loop, then stop the loop and
        its thread."""
        await self.run(_close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join)


def on_caller_loop(hook: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """``hook`` made callable from the fetch loop: it runs on the loop that wraps it here,
    where what it touches (semaphores, exit stacks) belongs."""
    caller = asyncio.get_running_loop()

    async def call() -> None:
        await hook()

    async def there() -> None:
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call(), caller))

    return there


def _settle(done: asyncio.Future[T], task: asyncio.Task[T]) -> None:
    """Copy a finished fetch task's outcome to the caller's future."""
    if done.done():
        return
    if task.cancelled():
        done.cancel()
    elif (error := task.exception()) is not None:
        done.set_exception(error)
    else:
        done.set_result(task.result())


async def _close(client: httpx.AsyncClient) -> None:
    # Their callers see CancelledError rather than wait for ever on a closed client.
    others = asyncio.all_tasks() - {asyncio.current_task()}
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
    await client.aclose()
