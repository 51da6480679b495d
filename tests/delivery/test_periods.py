"""Digest due times in the subscriber's own time zone, with a controllable clock."""

from datetime import UTC, date, datetime, timedelta

import pytest

from news.delivery.periods import Period, current_period, is_newer, period_label, period_title
from tests.languages import EN


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "now", "key", "due"),
    [
        # UTC+7: 08:00 in Phnom Penh is 01:00 UTC.
        ("Asia/Phnom_Penh", utc(2026, 11, 27, 0, 59), "daily:2026-11-26", utc(2026, 11, 26, 1)),
        ("Asia/Phnom_Penh", utc(2026, 11, 27, 1, 0), "daily:2026-11-27", utc(2026, 11, 27, 1)),
        # UTC−5 in winter: 08:00 in New York is 13:00 UTC …
        ("America/New_York", utc(2026, 11, 27, 12, 59), "daily:2026-11-26", utc(2026, 11, 26, 13)),
        ("America/New_York", utc(2026, 11, 27, 13, 0), "daily:2026-11-27", utc(2026, 11, 27, 13)),
        # … and 12:00 UTC in summer: the DST change on 1 Nov 2026 moves the due instant.
        ("America/New_York", utc(2026, 10, 31, 12, 0), "daily:2026-10-31", utc(2026, 10, 31, 12)),
        ("America/New_York", utc(2026, 11, 1, 12, 30), "daily:2026-10-31", utc(2026, 10, 31, 12)),
        ("America/New_York", utc(2026, 11, 1, 13, 0), "daily:2026-11-01", utc(2026, 11, 1, 13)),
        ("UTC+07:00", utc(2026, 11, 27, 1, 0), "daily:2026-11-27", utc(2026, 11, 27, 1)),
    ],
)
def test_daily_periods(zone, now, key, due):
    period = current_period("daily", "08:00", zone, "mon", now)
    assert period == Period(key, date.fromisoformat(key.split(":")[1]), due)


def test_a_time_that_does_not_exist_on_the_dst_day_still_falls_due_once():
    # 02:30 on 8 March 2026 never happens in New York (clocks jump 02:00 → 03:00).
    day_before = current_period("daily", "02:30", "America/New_York", "mon", utc(2026, 3, 8, 6))
    on_the_day = current_period("daily", "02:30", "America/New_York", "mon", utc(2026, 3, 8, 8))
    assert day_before is not None
    assert on_the_day is not None
    assert (day_before.key, on_the_day.key) == ("daily:2026-03-07", "daily:2026-03-08")


def test_weekly_periods_fall_on_the_chosen_day():
    friday = current_period("weekly", "09:00", "Asia/Phnom_Penh", "fri", utc(2026, 11, 27, 2, 0))
    before = current_period("weekly", "09:00", "Asia/Phnom_Penh", "fri", utc(2026, 11, 27, 1, 59))
    assert friday is not None
    assert before is not None
    assert (friday.key, before.key) == ("weekly:2026-11-27", "weekly:2026-11-20")
    assert period_title(friday, EN) == "Weekly digest, Fri 27 Nov 2026"
    assert period_label(before, EN) == "Fri 20 Nov 2026"


@pytest.mark.parametrize("mode", ["instant", "off"])
def test_only_digest_modes_have_periods(mode):
    assert current_period(mode, "08:00", "UTC", "mon", utc(2026, 1, 1)) is None


def test_a_clock_that_jumps_back_never_repeats_a_period():
    sent = current_period("daily", "08:00", "UTC", "mon", utc(2026, 11, 27, 9))
    assert sent is not None
    back = current_period("daily", "08:00", "UTC", "mon", utc(2026, 11, 27, 9) - timedelta(days=2))
    assert back is not None
    assert not is_newer(back, sent.key)
    assert not is_newer(sent, sent.key)
    assert is_newer(sent, None)
    later = current_period("daily", "08:00", "UTC", "mon", utc(2026, 11, 30, 9))
    assert later is not None
    assert is_newer(later, sent.key)  # three days missed: one digest, the latest period


def test_switching_from_daily_to_weekly_waits_for_the_next_week():
    daily = "daily:2026-11-27"
    weekly = current_period("weekly", "08:00", "UTC", "mon", utc(2026, 11, 27, 9))
    assert weekly is not None
    assert weekly.key == "weekly:2026-11-23"
    assert not is_newer(weekly, daily)
