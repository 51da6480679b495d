"""FetchThread: the feed client's work runs on a loop of its own thread; hooks run back home."""

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from news.fetch.thread import FetchThread, on_caller_loop


@pytest.fixture
async def fetcher() -> AsyncIterator[FetchThread]:
    thread = FetchThread(httpx.AsyncClient())
    yield thread
    await thread.aclose()


async def where(client: httpx.AsyncClient, tag: str) -> tuple[str, str, bool]:
    return tag, threading.current_thread().name, client.is_closed


async def test_runs_on_the_fetch_thread_with_the_client(fetcher: FetchThread) -> None:
    assert await fetcher.run(where, "a") == ("a", "fetch", False)


async def test_an_error_reaches_the_caller(fetcher: FetchThread) -> None:
    async def broken(client: httpx.AsyncClient) -> None:
        raise ValueError("no such feed")

    with pytest.raises(ValueError, match="no such feed"):
        await fetcher.run(broken)
    assert await fetcher.run(where, "still fine") == ("still fine", "fetch", False)


async def test_cancelling_the_caller_cancels_the_fetch_and_waits_for_its_end(
    fetcher: FetchThread,
) -> None:
    started = threading.Event()
    ended: list[str] = []

    async def forever(client: httpx.AsyncClient) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0)  # cleaning up takes a turn of the fetch loop
            ended.append(threading.current_thread().name)

    caller = asyncio.create_task(fetcher.run(forever))
    await asyncio.to_thread(started.wait)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert ended == ["fetch"]


async def test_a_hook_runs_on_the_loop_that_wrapped_it(fetcher: FetchThread) -> None:
    places = asyncio.Semaphore(1)  # the caller's, as the poller's large-body places are
    seen: list[str] = []

    async def take_place() -> None:
        await places.acquire()
        seen.append(threading.current_thread().name)

    async def fetch(client: httpx.AsyncClient, hook: Callable[[], Awaitable[None]]) -> str:
        await hook()
        return threading.current_thread().name

    assert await fetcher.run(fetch, on_caller_loop(take_place)) == "fetch"
    assert seen == [threading.main_thread().name]
    assert places.locked()


async def test_closing_closes_the_client_and_ends_the_thread() -> None:
    before = set(threading.enumerate())
    client = httpx.AsyncClient()
    thread = FetchThread(client)
    assert {t.name for t in set(threading.enumerate()) - before} == {"fetch"}
    await thread.aclose()
    assert client.is_closed
    assert "fetch" not in {t.name for t in set(threading.enumerate()) - before}


async def test_a_wrong_call_fails_in_the_caller(fetcher: FetchThread) -> None:
    with pytest.raises(TypeError):
        await fetcher.run(where)  # type: ignore[call-arg]
    assert await fetcher.run(where, "next") == ("next", "fetch", False)


async def test_closing_cancels_fetches_still_running_and_their_callers_return() -> None:
    thread = FetchThread(httpx.AsyncClient())
    started = threading.Event()

    async def forever(client: httpx.AsyncClient) -> None:
        started.set()
        await asyncio.Event().wait()

    caller = asyncio.create_task(thread.run(forever))
    await asyncio.to_thread(started.wait)
    await thread.aclose()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(caller, timeout=10)  # a caller left waiting fails, not hangs
    with pytest.raises(RuntimeError, match="closed"):
        await thread.run(where, "too late")
