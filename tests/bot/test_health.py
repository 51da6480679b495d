"""/healthz and /metrics: the verdict's reasons, and the listener over real HTTP on loopback."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.app import open_services, recurring_jobs
from bot.health import Observer, health, listening
from bot.leadership import Lead
from news.config import ConfigError
from news.store.health import Snapshot
from tests.conftest import DATA, ConfigFactory, feed_entry
from tests.outbox import add_chats

NOW = datetime.now(UTC)
EVERY = timedelta(minutes=30)


def found(**changes: object) -> Snapshot:
    fine = {
        "feeds_by_status": {"ok": 3},
        "outbox_by_state": {"sent": 10},
        "stories": 42,
        "last_poll_success": NOW - timedelta(minutes=5),
        "oldest_due": None,
    }
    return Snapshot(**(fine | changes))  # type: ignore[arg-type]


def test_a_healthy_bot_says_so_with_its_numbers():
    # Read five minutes ago as of now, not as of when the module was imported: a busy run
    # may reach this test minutes later.
    fresh = found(last_poll_success=datetime.now(UTC) - timedelta(minutes=5))
    verdict = health(Observer(), fresh, EVERY)
    assert verdict["ok"] is True
    assert verdict["problems"] == []
    assert verdict["checks"]["database"] is True
    assert 290 < verdict["checks"]["last_poll_age_s"] < 400


@pytest.mark.parametrize(
    ("snapshot", "problem"),
    [
        (None, "the database did not answer"),
        (found(last_poll_success=NOW - timedelta(hours=2)), "no feed read successfully for"),
        (found(oldest_due=NOW - timedelta(minutes=10)), "messages are waiting past their time"),
    ],
)
def test_each_failure_is_named(snapshot, problem):
    verdict = health(Observer(), snapshot, EVERY)
    assert verdict["ok"] is False
    assert [p for p in verdict["problems"] if p.startswith(problem)] != []


def test_a_job_that_stopped_running_is_named():
    observer = Observer()
    observer.heartbeats["poll"] = (0.0, 60.0)  # last ran at the monotonic clock's start
    assert health(observer, found(), EVERY)["problems"] == ["job poll has not run"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [("9464", "127.0.0.1:9464"), (":9464", "127.0.0.1:9464"), ("0.0.0.0:80", "0.0.0.0:80")],
)
def test_the_listen_address_defaults_to_loopback(make_config: ConfigFactory, given, kept):
    assert make_config(health={"listen": given}).health.listen == kept


@pytest.mark.parametrize("given", ["", "host:", "host:99999", "localhost:http"])
def test_a_listen_address_without_a_port_is_refused(make_config: ConfigFactory, given):
    with pytest.raises(ConfigError, match=r"health\.listen"):
        make_config(health={"listen": given})


async def test_the_listener_answers_over_http_after_a_poll(
    make_config: ConfigFactory, feed_server
):
    url = feed_server.feed("/bhrrc.xml", (DATA / "feeds" / "bhrrc_cambodia.xml").read_bytes())
    config = make_config([feed_entry("BHRRC", url, type="ngo")])
    async with open_services(config) as services:
        [poll] = [job for job in recurring_jobs(services, deliver=False) if job.name == "poll"]
        await poll.run(NOW)
        with listening("127.0.0.1:0", services.observer, services.db, EVERY) as bound:
            async with httpx.AsyncClient(base_url=f"http://{bound}") as client:
                healthz = await client.get("/healthz")
                metrics = (await client.get("/metrics")).text
                missing = await client.get("/admin")
    assert healthz.json()["problems"] == []
    assert healthz.status_code == 200
    assert 'rights_digest_feeds{status="ok"} 1.0' in metrics
    assert 'rights_digest_feed_polls_total{status="ok"} 1.0' in metrics
    assert "rights_digest_stories_stored_total 3.0" in metrics
    assert "rights_digest_database_up 1.0" in metrics
    assert "rights_digest_poll_cycle_seconds_count 1.0" in metrics
    assert missing.status_code == 404


async def test_metrics_tell_the_digest_lag_and_which_roles_this_process_leads(
    make_config: ConfigFactory,
):
    config = make_config()
    now = datetime.now(UTC)
    async with open_services(config) as services:
        # Its digest fell due two hours ago and no tick has enqueued it: the schedule is late.
        due = (now - timedelta(hours=2)).strftime("%H:%M")
        await add_chats(
            services.db, [7], topic="cambodia-eba", since=now - timedelta(days=2),
            mode="daily", digest_time=due, timezone="UTC",
        )  # fmt: skip
        lead = Lead(services.db, "send", timedelta(seconds=15), observer=services.observer)
        await lead._try()  # one renewal, as its keep loop makes them
        with listening("127.0.0.1:0", services.observer, services.db, EVERY) as bound:
            async with httpx.AsyncClient(base_url=f"http://{bound}") as client:
                metrics = (await client.get("/metrics")).text
    assert 'rights_digest_leader{role="send"} 1.0' in metrics
    [lag] = [line for line in metrics.splitlines() if line.startswith("rights_digest_digest_lag")]
    assert 2 * 3600 - 120 <= float(lag.split()[1]) <= 2 * 3600 + 120
