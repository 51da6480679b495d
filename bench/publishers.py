"""B1's 500 feeds served from a process of their own, for scenarios that measure the bot's
own process (B3): real publishers are remote, and serving 93.6 MB from threads of the
measured process would take its GIL and count as ours.

    python -m bench.publishers   # prints the feed URLs as one JSON line; stops on end of input
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bench.b1_poll import HOSTS, LATENCY, build_feeds, content_type
from tests.fakes.feed_server import FeedServer, Reply


@contextmanager
def publishers() -> Iterator[list[str]]:
    """Start the publishers' process; yield the feed URLs; stop it afterwards."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.publishers"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None
    assert server.stdout is not None
    try:
        yield json.loads(server.stdout.readline())
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def main() -> None:
    with FeedServer(latency=LATENCY, more_hosts=HOSTS) as server:
        urls = []
        for copy, (path, body, kind) in enumerate(build_feeds()):
            server.route(path, Reply(body, headers={"content-type": content_type(kind)}))
            urls.append(server.url(path, HOSTS[copy % len(HOSTS)]))
        print(json.dumps(urls), flush=True)
        sys.stdin.read()  # until the parent closes our input


if __name__ == "__main__":
    main()
