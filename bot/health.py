"""``/healthz`` and ``/metrics`` on a loopback listener, for systemd, Docker and Prometheus.

The listener runs on a thread of its own (wsgiref, with prometheus-client's exposition), so a
scrape never waits on the event loop's queue of replies. What needs the database is asked of
the event loop with a deadline: a loop too busy to answer in time is itself unhealthy.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from news.store.db import Database
from news.store.health import Snapshot, snapshot

log = logging.getLogger(__name__)
ASK_LOOP = 3.0  # seconds a check waits for the event loop and the database
SENDER_LAG = timedelta(minutes=5)  # a message due this long ago and unsent: the sender is stuck
Environ = dict[str, Any]
StartResponse = Callable[..., Any]


@dataclass
class Observer:
    """What the jobs and the sender report as they run, and when each job last finished."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    heartbeats: dict[str, tuple[float, float]] = field(default_factory=dict)  # job: (at, every)

    def __post_init__(self) -> None:
        r = self.registry
        self.cycle = Histogram("rights_digest_poll_cycle_seconds", "Poll cycle time", registry=r)
        self.polls = Counter(
            "rights_digest_feed_polls", "Feed polls by outcome", ["status"], registry=r
        )
        self.stored = Counter("rights_digest_stories_stored", "New stories stored", registry=r)
        self.sends = Counter(
            "rights_digest_sends", "Messages sent by result", ["result"], registry=r
        )
        self.floods = Counter("rights_digest_http_429", "429 answers from Telegram", registry=r)
        self.leader = Gauge(
            "rights_digest_leader",
            "1 while this process holds the role's lease",
            ["role"],
            registry=r,
        )

    def ran(self, job: str, every: timedelta) -> None:
        """``job`` finished a run; it runs every ``every``."""
        self.heartbeats[job] = (time.monotonic(), every.total_seconds())

    def stale_jobs(self) -> list[str]:
        """Jobs that missed three runs (and a minute's slack): the scheduler has stopped."""
        now = time.monotonic()
        return [job for job, (at, every) in self.heartbeats.items() if now - at > 3 * every + 60]


class _StoreCollector(Collector):
    """Gauges read from the database at scrape time."""

    def __init__(self, ask: Callable[[], Snapshot]) -> None:
        self.ask = ask

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            found = self.ask()
        except Exception:  # a scrape must not fail: say the database did not answer
            log.warning("metrics: the database did not answer in %.0fs", ASK_LOOP)
            yield GaugeMetricFamily("rights_digest_database_up", "Database answered", value=0)
            return
        yield GaugeMetricFamily("rights_digest_database_up", "Database answered", value=1)
        yield _by(
            "rights_digest_feeds", "Enabled feeds by last status", "status", found.feeds_by_status
        )
        yield _by("rights_digest_outbox", "Outbox rows by state", "state", found.outbox_by_state)
        yield GaugeMetricFamily("rights_digest_stories", "Stories stored", value=found.stories)
        yield GaugeMetricFamily(
            "rights_digest_sender_lag_seconds",
            "Age of the oldest due message",
            value=_age(found.oldest_due),
        )
        yield GaugeMetricFamily(
            "rights_digest_digest_lag_seconds",
            "How long the oldest due digest has waited to be enqueued",
            value=_age(found.oldest_due_digest),
        )


def _by(name: str, doc: str, label: str, counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=[label])
    for key, count in sorted(counts.items()):
        family.add_metric([key], count)
    return family


def _age(when: datetime | None) -> float:
    return 0.0 if when is None else max(0.0, (datetime.now(UTC) - when).total_seconds())


def health(observer: Observer, found: Snapshot | None, poll_every: timedelta) -> dict[str, Any]:
    """The verdict and its reasons. Pure: ``found`` is None when the database did not answer."""
    problems: list[str] = [f"job {job} has not run" for job in observer.stale_jobs()]
    checks: dict[str, Any] = {"database": found is not None}
    if found is None:
        problems.append("the database did not answer")
    else:
        poll_age = None if found.last_poll_success is None else _age(found.last_poll_success)
        checks |= {"last_poll_age_s": poll_age, "sender_lag_s": _age(found.oldest_due)}
        limit = max(3 * poll_every, timedelta(minutes=30)).total_seconds()
        if poll_age is not None and poll_age > limit:
            problems.append(f"no feed read successfully for {poll_age:.0f}s")
        if _age(found.oldest_due) > SENDER_LAG.total_seconds():
            problems.append("messages are waiting past their time")
    return {"ok": not problems, "problems": problems, "checks": checks}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds would drown the bot's own log."""


@contextlib.contextmanager
def listening(
    address: str | None, observer: Observer, db: Database, poll_every: timedelta
) -> Iterator[str | None]:
    """Serve ``/healthz`` and ``/metrics`` on ``address`` until the block ends; yields the
    address actually bound (port 0 picks one), or None when no address is configured."""
    if address is None:
        yield None
        return
    loop = asyncio.get_running_loop()

    def ask() -> Snapshot:
        return asyncio.run_coroutine_threadsafe(snapshot(db, datetime.now(UTC)), loop).result(
            ASK_LOOP
        )

    observer.registry.register(_StoreCollector(ask))
    app = _routes(make_wsgi_app(observer.registry), observer, ask, poll_every)
    host, _, port = address.rpartition(":")
    server = make_server(host, int(port), app, server_class=_Server, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="health", daemon=True)
    thread.start()
    bound = f"{host}:{server.server_port}"
    log.info("health and metrics on http://%s/healthz and /metrics", bound)
    try:
        yield bound
    finally:
        server.shutdown()
        server.server_close()


def _routes(
    metrics: Callable[[Environ, StartResponse], Iterable[bytes]],
    observer: Observer,
    ask: Callable[[], Snapshot],
    poll_every: timedelta,
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    def app(environ: Environ, start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start)
        if path != "/healthz":
            start("404 Not Found", [("Content-Type", "text/plain")])
            return [b"/healthz or /metrics\n"]
        try:
            found: Snapshot | None = ask()
        except Exception:
            found = None
        verdict = health(observer, found, poll_every)
        status = "200 OK" if verdict["ok"] else "503 Service Unavailable"
        start(status, [("Content-Type", "application/json")])
        return [json.dumps(verdict).encode()]

    return app
