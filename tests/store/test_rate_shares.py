"""Rate shares: one row per pacing role, written only by its owner until it runs out."""

from datetime import UTC, datetime, timedelta

from news.store.rate_shares import leave_share, publish_share, read_shares

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
GRANT = timedelta(seconds=2)


async def test_a_share_is_written_by_its_owner_until_it_runs_out(open_db):
    db = open_db()
    assert await publish_share(db, "send", "a", 28.0, 28.0, T0 + GRANT, T0)
    assert await publish_share(db, "updates", "u", 0.0, 3.0, T0 + GRANT, T0)
    assert await read_shares(db) == {
        "send": (28.0, 28.0, T0 + GRANT),
        "updates": (0.0, 3.0, T0 + GRANT),
    }
    later = T0 + timedelta(seconds=1)
    assert not await publish_share(db, "send", "b", 5.0, 28.0, later + GRANT, later)  # a's
    assert await publish_share(db, "send", "a", 25.0, 28.0, later + GRANT, later)  # renewed
    gone = T0 + timedelta(seconds=3.5)
    assert await publish_share(db, "send", "b", 0.0, 28.0, gone + GRANT, gone)  # ran out
    assert (await read_shares(db))["send"] == (0.0, 28.0, gone + GRANT)


async def test_a_share_given_up_is_gone_for_the_other_process(open_db):
    db = open_db()
    await publish_share(db, "send", "a", 28.0, 28.0, T0 + GRANT, T0)
    await leave_share(db, "send", "b")  # not b's: kept
    assert "send" in await read_shares(db)
    await leave_share(db, "send", "a")
    assert await read_shares(db) == {}
