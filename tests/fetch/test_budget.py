"""The byte budget that keeps fetched bodies waiting for a parser from piling up in memory."""

import asyncio

from news.fetch.budget import ByteBudget


async def test_a_hold_that_does_not_fit_waits_for_a_release():
    budget = ByteBudget(100)
    order: list[str] = []

    async def hold(name: str, size: int, release: asyncio.Event) -> None:
        async with budget.hold(size):
            order.append(name)
            await release.wait()

    first, second = asyncio.Event(), asyncio.Event()
    a = asyncio.create_task(hold("a", 70, first))
    b = asyncio.create_task(hold("b", 70, second))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == ["a"]
    assert budget.used == 70
    first.set()
    await a
    await asyncio.sleep(0)
    assert order == ["a", "b"]
    assert budget.used == 70
    second.set()
    await b
    assert budget.used == 0


async def test_an_item_larger_than_the_budget_goes_alone_rather_than_never():
    budget = ByteBudget(10)
    async with budget.hold(500):
        assert budget.used == 500
    assert budget.used == 0


async def test_a_release_lets_in_every_waiter_that_fits_in_order_and_wakes_no_other():
    budget = ByteBudget(100)
    order: list[str] = []
    release = asyncio.Event()

    async def hold(name: str, size: int) -> None:
        async with budget.hold(size):
            order.append(name)
            await release.wait()

    async with budget.hold(90):
        tasks = [asyncio.create_task(hold(n, s)) for n, s in (("a", 60), ("b", 30), ("c", 20))]
        await asyncio.sleep(0)
        assert order == []
    await asyncio.sleep(0)
    assert order == ["a", "b"]  # "c" no longer fits: it waits, unwoken
    assert budget.used == 90
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["a", "b", "c"]
    assert budget.used == 0


async def test_a_cancelled_waiter_leaves_the_queue_and_takes_nothing():
    budget = ByteBudget(100)
    async with budget.hold(80):
        waiting = asyncio.create_task(budget.hold(50).__aenter__())
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
    assert budget.used == 0
    async with budget.hold(100):
        assert budget.used == 100


async def test_a_waiter_cancelled_just_after_it_was_let_in_gives_its_bytes_back():
    budget = ByteBudget(100)
    first = budget.hold(80)
    await first.__aenter__()
    waiting = asyncio.create_task(budget.hold(50).__aenter__())
    await asyncio.sleep(0)
    await first.__aexit__(None, None, None)  # lets the waiter in ...
    assert budget.used == 50
    waiting.cancel()  # ... which is cancelled before it runs again
    await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled()
    assert budget.used == 0


async def test_a_hold_resized_past_the_limit_keeps_the_next_waiting_and_a_smaller_lets_it_in():
    budget = ByteBudget(100)
    async with budget.hold(60) as place:
        place.resize(150)  # a body larger than expected has arrived: it is in memory anyway
        assert budget.used == 150
        later = asyncio.create_task(_hold_once(budget, 10))
        await asyncio.sleep(0)
        assert not later.done()  # over the limit: nothing more comes in
        place.resize(50)  # smaller than expected
        await asyncio.sleep(0)
        assert later.done()
        assert budget.used == 50
    assert budget.used == 0


async def _hold_once(budget: ByteBudget, size: int) -> None:
    async with budget.hold(size):
        pass
