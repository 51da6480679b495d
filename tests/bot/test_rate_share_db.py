"""``RateShare`` on a real database: two processes' steps, with the clocks moved by the test."""

import asyncio

from bot.outgoing import Outgoing, pacer_for
from bot.rate_share import RateShare
from news.config import DeliveryConfig
from news.store.rate_shares import read_shares
from tests.clocks import Clock


def share(db, role: str, clock: Clock, leading=lambda: True) -> RateShare:
    outgoing = Outgoing(pacer_for(DeliveryConfig()), clock=clock.monotonic)
    return RateShare(
        db, role, outgoing, 28.0, leading=leading, clock=clock.monotonic, now=clock.now
    )


def rates(*shares: RateShare) -> tuple[float, ...]:
    return tuple(s.outgoing.pacer.rate(s.clock()) for s in shares)


async def rounds(clock: Clock, *shares: RateShare, count: int = 4) -> None:
    for _ in range(count):
        for s in shares:
            await s.step()
        clock.seconds += 0.25


async def test_replies_borrow_what_they_need_and_give_it_back(open_db):
    clock = Clock()
    updates, send = share(open_db(), "updates", clock), share(open_db(), "send", clock)
    assert rates(updates, send) == (0, 0)  # nothing before a first grant
    await rounds(clock, send, updates)
    assert rates(updates, send) == (0, 28)  # replies idle: the sender has it all
    updates.outgoing.waiting = 100  # a burst of /start
    await rounds(clock, send, updates, count=8)
    assert rates(updates, send) == (28, 0)  # replies first
    updates.outgoing.waiting = 5
    await rounds(clock, send, updates, count=8)
    assert rates(updates, send) == (5, 23)
    updates.outgoing.waiting = 0
    await rounds(clock, send, updates, count=8)
    assert rates(updates, send) == (0, 28)


async def test_a_stalled_sender_leaves_replies_the_rate_once_its_grant_has_run_out(open_db):
    clock = Clock()
    updates, send = share(open_db(), "updates", clock), share(open_db(), "send", clock)
    await rounds(clock, send, updates)
    updates.outgoing.waiting = 10
    clock.seconds += 1.0  # the sender stalls from here on: it never lowers
    await rounds(clock, updates)
    assert rates(updates) == (0,)  # its grant still holds
    await rounds(clock, updates, count=12)  # past its grant and the margin
    assert rates(updates, send) == (28, 0)  # no live sender: all of it; the sender stopped


async def test_a_standby_paces_at_0_and_a_clean_stop_leaves_all_of_it_to_the_other(open_db):
    clock = Clock()
    db = open_db()
    standby = share(db, "send", clock, leading=lambda: False)
    updates = share(open_db(), "updates", clock)
    await rounds(clock, standby, updates)
    assert rates(standby, updates) == (0, 28)  # no live sender: replies may take it all
    send = share(open_db(), "send", clock)
    await rounds(clock, send, updates, count=8)
    assert rates(send, updates) == (28, 0)
    stop = asyncio.Event()
    stop.set()
    await send.keep(stop)  # stopped at once: gives its row up
    assert "send" not in await read_shares(db)
    updates.outgoing.waiting = 1
    await rounds(clock, updates, count=2)
    assert rates(updates) == (28,)
