"""A clock that tests move by hand, for code that reads both a monotonic and a wall clock."""

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


class Clock:
    """Both clocks a lease keeper reads (``Lead``, ``RateShare``), moved by the test."""

    def __init__(self, start: datetime = T0) -> None:
        self.start = start
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)
