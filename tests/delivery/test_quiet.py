"""Quiet hours: typed forms, spans across midnight, and what they do to owed alerts."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from news.delivery.quiet import QuietHours, alert_hold, is_quiet, parse_quiet

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")  # UTC+7, no daylight saving


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("22:00-07:00", "22:00-07:00"),
        ("22-7", "22:00-07:00"),
        ("10pm–7am", "22:00-07:00"),
        ("13:30 to 14:00", "13:30-14:00"),
    ],
)
def test_quiet_hours_are_read_in_the_forms_people_type(typed, stored):
    assert str(parse_quiet(typed)) == stored


@pytest.mark.parametrize("typed", ["", "22", "22-22", "25-7", "22:61-07:00", "7-", "night"])
def test_what_is_not_a_span_of_hours_is_refused(typed):
    assert parse_quiet(typed) is None


def test_a_span_across_midnight_is_quiet_on_both_sides_of_it():
    night = QuietHours(time(22), time(7))
    local = [datetime(2026, 12, 7, h, 30, tzinfo=PHNOM_PENH) for h in (21, 22, 0, 6, 7)]
    assert [is_quiet(night, t, PHNOM_PENH) for t in local] == [False, True, True, True, False]


def test_owed_alerts_are_held_then_sent_as_one_morning_batch():
    spec, zone = "22:00-07:00", PHNOM_PENH
    matched = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 23:00 in Phnom Penh
    assert alert_hold(spec, zone, datetime(2026, 12, 7, 17, 0, tzinfo=UTC), matched) == "hold"
    morning = datetime(2026, 12, 8, 0, 5, tzinfo=UTC)  # 07:05 in Phnom Penh
    assert alert_hold(spec, zone, morning, matched) == "morning"
    later = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    assert alert_hold(spec, zone, later, later) == "send"  # matched by day: an ordinary alert
    assert alert_hold(None, zone, morning, matched) == "send"
