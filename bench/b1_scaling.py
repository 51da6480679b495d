"""B1 across processes: B1's 500 feeds polled by one and by two `poll` processes sharing
one PostgreSQL database, beside one process on a SQLite file, in the same run.

Each poller is a process of its own (``bench.b1_child shared``), with the default config
(its own parser processes, one per CPU). They open the database and start their parsers,
then each cycle starts in all of them at once; a cycle's wall time runs from that start
until the last of them has finished. The publishers (this process) count every request,
so a feed fetched twice in a cycle is seen here, not taken on trust. PostgreSQL is a
private server (``tests/postgres.py``); without PostgreSQL's programs the scenario is
skipped. The three runs alternate in rounds (``B1_SCALING_ROUNDS``, 2 by default), and the
figures are each one's median: the machines are shared, and their speed drifts.

    python -m bench.b1_scaling      # writes bench/out/b1_scaling.json
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.b1_poll import HOSTS, LATENCY, build_feeds, median_of, serve
from bench.common import machine, measure, write_result
from tests.fakes.feed_server import FeedServer
from tests.postgres import Server, start_server
from tests.rows import rows

CYCLES = ("cold", "unchanged")
ROUNDS = int(os.environ.get("B1_SCALING_ROUNDS", "2"))


def run_pollers(
    count: int, database_url: str, server: FeedServer, urls: list[str]
) -> dict[str, Any]:
    """``count`` pollers on one database: each cycle's wall time, feeds, fetches."""
    with tempfile.TemporaryDirectory() as tmp:
        urls_file = Path(tmp) / "urls.json"
        urls_file.write_text(json.dumps(urls))
        command = [sys.executable, "-m", "bench.b1_child", "shared", str(urls_file), tmp]
        children = [
            subprocess.Popen(
                [*command, database_url],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        try:
            result = {cycle: _cycle(children, server) for cycle in CYCLES}
        finally:
            for child in children:
                child.wait(timeout=120)
    stories = rows(database_url, "SELECT count(*) FROM stories")[0][0]
    return {**result, "processes": count, "stories_stored": stories}


def _cycle(children: list["subprocess.Popen[str]"], server: FeedServer) -> dict[str, Any]:
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    seen = len(server.hits)
    start = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    each = [json.loads(child.stdout.readline()) for child in children if child.stdout]
    wall = time.perf_counter() - start
    fetches = Counter(hit.path for hit in server.hits[seen:])
    feeds = sum(one["feeds"] for one in each)
    return {
        "wall": round(wall, 2),
        "feeds": feeds,
        "feeds_per_second": round(feeds / wall, 1),
        "feeds_per_process": [one["feeds"] for one in each],
        "new_stories": sum(one["new_stories"] for one in each),
        "requests": sum(fetches.values()),
        "fetched_twice": sum(1 for n in fetches.values() if n > 1),
    }


def ratios(result: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    """Each cycle's wall time as a share of the baseline's (below 1: faster)."""
    return {cycle: round(result[cycle]["wall"] / baseline[cycle]["wall"], 2) for cycle in CYCLES}


def main() -> None:
    try:
        pg, cluster = start_server()
    except RuntimeError as error:
        print(f"B1 scaling skipped: {error}")
        return
    rounds: list[dict[str, Any]] = []
    try:
        feeds = build_feeds()
        with (
            FeedServer(latency=LATENCY, host="127.0.0.1", more_hosts=HOSTS) as server,
            tempfile.TemporaryDirectory() as tmp,
        ):
            urls = serve(server, feeds)
            for number in range(1, ROUNDS + 1):
                print(f" round {number} of {ROUNDS}", flush=True)
                sqlite = f"sqlite+aiosqlite:///{tmp}/b1-{number}.db"
                rounds.append(
                    {
                        "sqlite_1": run_pollers(1, sqlite, server, urls),
                        "postgresql_1": run_pollers(1, _fresh(pg), server, urls),
                        "postgresql_2": run_pollers(2, _fresh(pg), server, urls),
                    }
                )
                for name, run in rounds[-1].items():
                    print(f"  {name}: {json.dumps(run)}", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    runs = median_of(rounds)
    result = {
        "feeds": len(feeds),
        "rounds": len(rounds),
        **runs,
        "wall_vs_sqlite_1": {name: ratios(run, runs["sqlite_1"]) for name, run in runs.items()},
        "wall_vs_postgresql_1": ratios(runs["postgresql_2"], runs["postgresql_1"]),
        "round_ratios_2_vs_1": [ratios(r["postgresql_2"], r["postgresql_1"]) for r in rounds],
        "fetched_twice_any_round": sum(
            r[name][cycle]["fetched_twice"] for r in rounds for name in r for cycle in CYCLES
        ),
        "machine": machine(),
    }
    write_result("b1_scaling", result)
    print(json.dumps(result, indent=2))


def _fresh(server: Server) -> str:
    return server.url(server.new_database(migrated=True))


if __name__ == "__main__":
    with measure():
        main()
