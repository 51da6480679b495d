"""When to poll a feed next, from how the last poll went. Pure."""

from datetime import datetime, timedelta

from news.models import FeedStatus, NextPoll

SUCCESS = frozenset({FeedStatus.OK, FeedStatus.NOT_MODIFIED})
# One failure is often a blip: keep the normal interval; back off from the second on.
GRACE_ERRORS = 1


def plan_next_poll(
    status: FeedStatus,
    *,
    now: datetime,
    interval: timedelta,
    max_backoff: timedelta,
    error_count: int,
    retry_after: datetime | None = None,
) -> NextPoll:
    """Success: the normal interval. 410: stop. 429/503: as asked. Else exponential back-off."""
    if status in SUCCESS:
        return NextPoll(now + interval, 0)
    if status is FeedStatus.GONE:
        return NextPoll(
            None,
            error_count + 1,
            f"HTTP 410 Gone on {now:%Y-%m-%d}: the publisher removed this feed; "
            "replace or remove it in the config",
        )
    errors = error_count + 1
    if status is FeedStatus.RATE_LIMITED:
        wait = max(interval, (retry_after - now) if retry_after else interval * 2)
        return NextPoll(now + min(wait, max(max_backoff, interval)), errors)
    return NextPoll(now + backoff_delay(errors, interval, max_backoff), errors)


def backoff_delay(errors: int, interval: timedelta, max_backoff: timedelta) -> timedelta:
    """The first failure keeps the interval; each further one doubles it, up to the cap."""
    exponent = max(0, errors - GRACE_ERRORS)
    if exponent > 30:
        return max(max_backoff, interval)
    return max(min(interval * (1 << exponent), max_backoff), interval)
