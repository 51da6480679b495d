"""When a feed is polled next, from how its last poll went."""

from datetime import UTC, datetime, timedelta

import pytest

from news.fetch.backoff import plan_next_poll
from news.models import FeedStatus, NextPoll

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=30)
CAP = timedelta(hours=24)


def plan(status: FeedStatus, errors: int = 0, retry_after: datetime | None = None) -> NextPoll:
    return plan_next_poll(
        status,
        now=NOW,
        interval=EVERY,
        max_backoff=CAP,
        error_count=errors,
        retry_after=retry_after,
    )


@pytest.mark.parametrize("status", [FeedStatus.OK, FeedStatus.NOT_MODIFIED])
def test_success_resets_errors_and_keeps_the_interval(status):
    assert plan(status, errors=5) == NextPoll(NOW + EVERY, 0)


@pytest.mark.parametrize(
    ("errors_before", "wait"),
    [(0, EVERY), (1, EVERY * 2), (2, EVERY * 4), (3, EVERY * 8), (10, CAP), (500, CAP)],
)
def test_failures_back_off_exponentially_up_to_the_cap(errors_before, wait):
    assert plan(FeedStatus.TIMEOUT, errors=errors_before) == NextPoll(
        NOW + wait, errors_before + 1
    )


def test_gone_disables_the_feed_with_a_reason():
    decision = plan(FeedStatus.GONE)
    assert decision.at is None
    assert decision.disabled_reason is not None
    assert decision.disabled_reason.startswith("HTTP 410 Gone on 2026-11-27")


def test_rate_limit_waits_as_long_as_asked():
    asked = NOW + timedelta(hours=3)
    assert plan(FeedStatus.RATE_LIMITED, retry_after=asked) == NextPoll(asked, 1)


def test_rate_limit_never_waits_less_than_the_interval_or_more_than_the_cap():
    assert plan(FeedStatus.RATE_LIMITED, retry_after=NOW + timedelta(seconds=5)).at == NOW + EVERY
    assert plan(FeedStatus.RATE_LIMITED, retry_after=NOW + timedelta(days=9)).at == NOW + CAP
    assert plan(FeedStatus.RATE_LIMITED).at == NOW + 2 * EVERY
