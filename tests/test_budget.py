"""The byte budget that keeps fetched bodies waiting for a parser from piling up in memory."""

import asyncio

from news.budget import ByteBudget


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
