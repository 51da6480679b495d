"""B1 poll cycle: 500 feeds behind 100 ms of latency; cold, unchanged and 10%-changed cycles.

Baselines in the same run: the naive sequential ``feedparser.parse(url)`` loop many bots use
(cold cycle); the parse floor, the CPU time lxml alone needs for the same bytes; and the HTTP
floor, httpx alone at our concurrency downloading every feed, then asking again with ETags.
The publisher runs in this process; each measured poller runs in a subprocess of its own so
its CPU time and peak memory are its own.

Ours and the naive loop run in alternated rounds (``B1_ROUNDS``, 3 by default), and the
page reports each figure's median. The machines are shared: their speed drifts by a fifth
over an hour, and one run of each, two minutes apart, let the drift pick the verdict. The
ratio to the naive loop is the median of each round's own ratio, so a slow minute slows
both sides of the pair it falls in.

    python -m bench.b1_poll
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import TreeMemory, corpus_feeds, measure, write_result
from tests.fakes.feed_server import FeedServer, Reply

FEEDS = 500
CHANGED = 50
LATENCY = 0.1
HOSTS = [f"127.0.0.{n}" for n in range(2, 102)]  # 100 publishers, 5 feeds each
ROUNDS = int(os.environ.get("B1_ROUNDS", "3"))
_LINKS = re.compile(rb"(<(?:link|guid|id)\b[^>]*>\s*(?:<!\[CDATA\[)?\s*https?://)", re.I)
_HREF = re.compile(rb"(<link\b[^>]*\bhref=[\"']https?://)", re.I)
_ITEM = re.compile(rb"<(item|entry)[\s>]", re.I)


def vary(body: bytes, copy: int, kind: str) -> bytes:
    """Make copy ``copy`` of a corpus file a different publisher's: its own item links."""
    tag = f"c{copy}.".encode()
    if kind == "json":
        try:
            feed = json.loads(body)
        except ValueError:
            return body  # the truncated sample stays broken, as intended
        for item in feed.get("items", []):
            for key in ("id", "url", "external_url"):
                if isinstance(item.get(key), str):
                    item[key] = f"{item[key]}#c{copy}"
        return json.dumps(feed).encode()
    body = _LINKS.sub(lambda m: m.group(1) + tag, body)
    return _HREF.sub(lambda m: m.group(1) + tag, body)


def add_items(body: bytes, copy: int, kind: str, count: int = 3) -> bytes:
    """The same feed with ``count`` new items at the top (RSS items, Atom entries, JSON)."""
    if kind == "json":
        try:
            feed = json.loads(body)
        except ValueError:
            return body  # the truncated sample stays broken
        fresh = [
            {
                "id": f"fresh-{copy}-{n}",
                "url": f"https://fresh.example/{copy}/{n}",
                "title": f"Fresh story {copy}-{n}",
                "content_text": f"New item {n}.",
            }
            for n in range(count)
        ]
        feed["items"] = fresh + list(feed.get("items", []))
        return json.dumps(feed).encode()
    match = _ITEM.search(body)
    if match is None:
        return body
    if match.group(1).lower() == b"item":
        new = b"".join(
            f"<item><title>Fresh story {copy}-{n}</title><link>https://fresh.example/{copy}/{n}"
            f"</link><guid>fresh-{copy}-{n}</guid><description>New item {n}.</description>"
            "</item>".encode()
            for n in range(count)
        )
    else:
        new = b"".join(
            f"<entry><title>Fresh story {copy}-{n}</title><id>urn:fresh:{copy}:{n}</id>"
            f'<link href="https://fresh.example/{copy}/{n}"/><updated>2026-11-27T08:00:00Z'
            "</updated><summary>New item.</summary></entry>".encode()
            for n in range(count)
        )
    return body[: match.start()] + new + body[match.start() :]


def build_feeds() -> list[tuple[str, bytes, str]]:
    """(path, body, kind) of the 500 feeds: the corpus mix, each copy its own publisher."""
    files = corpus_feeds()
    feeds = []
    for copy in range(FEEDS):
        source = files[copy % len(files)]
        kind = source.parent.name
        feeds.append((f"/feeds/{copy}", vary(source.read_bytes(), copy, kind), kind))
    return feeds


def content_type(kind: str) -> str:
    return "application/feed+json" if kind == "json" else "application/xml"


def parse_floor(bodies: list[bytes]) -> float:
    """CPU seconds lxml needs just to parse the same bytes (the fastest parser around)."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, huge_tree=False)
    start = time.process_time()
    for body in bodies:
        try:
            if body.lstrip()[:1] == b"{":
                json.loads(body)
            else:
                etree.fromstring(body, parser)
        except (ValueError, etree.XMLSyntaxError):
            pass  # the corpus's broken feeds: the cost of finding out still counts
    return time.process_time() - start


def serve(server: FeedServer, feeds: list[tuple[str, bytes, str]]) -> list[str]:
    """Route every feed in its first version; return their URLs, 5 feeds per publisher."""
    urls = []
    for copy, (path, body, kind) in enumerate(feeds):
        server.route(
            path, Reply(body, headers={"content-type": content_type(kind)}, etag=f'"v1-{copy}"')
        )
        urls.append(server.url(path, HOSTS[copy % len(HOSTS)]))
    return urls


def run_child(
    part: str, urls: list[str], server: FeedServer, feeds: list[Any], *extra: str
) -> dict[str, Any]:
    """Run ``bench.b1_child part`` against the server; change 10% of the feeds on request."""
    with tempfile.TemporaryDirectory() as tmp:
        urls_file = Path(tmp) / "urls.json"
        urls_file.write_text(json.dumps(urls))
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.b1_child", part, str(urls_file), tmp, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        with TreeMemory(child.pid).watching() as memory:
            result = _converse(child, server, feeds)
            child.wait()
    return {**result, "tree_peak_mb": memory.peak()}


def _converse(child: "subprocess.Popen[str]", server: FeedServer, feeds: list[Any]) -> Any:
    """Change 10% of the feeds when the child asks; its JSON result."""
    assert child.stdin is not None
    assert child.stdout is not None
    result = None
    for line in child.stdout:
        if line.strip() == "change":
            for copy, (path, body, kind) in enumerate(feeds[:CHANGED]):
                server.route(
                    path,
                    Reply(
                        add_items(body, copy, kind),
                        headers={"content-type": content_type(kind)},
                        etag=f'"v2-{copy}"',
                    ),
                )
            child.stdin.write("go\n")
            child.stdin.flush()
        elif line.startswith("{"):
            result = json.loads(line)
    return result


def median_of(runs: list[Any], pick: Callable[[list[float]], float] = statistics.median) -> Any:
    """Each number's median over ``runs`` (JSON results of one shape); peak memory's maximum.
    Where the runs differ in shape (one round had a timeout the others did not), the first's."""
    first = runs[0]
    if isinstance(first, dict) and all(run.keys() == first.keys() for run in runs):
        return {key: median_of([run[key] for run in runs], _pick(key, pick)) for key in first}
    if isinstance(first, int | float) and not isinstance(first, bool):
        return round(pick(runs), 2)
    return first


def _pick(key: str, pick: Callable[[list[float]], float]) -> Callable[[list[float]], float]:
    """Peaks of memory take the largest round; the rest ``pick``."""
    return max if "rss" in key or "peak" in key else pick


def one_round(server: FeedServer, feeds: list[Any], urls: list[str]) -> dict[str, Any]:
    """Ours (cold, unchanged, changed), the naive loop, then bare httpx, each from the first
    version of every feed."""
    serve(server, feeds)
    ours = run_child("ours", urls, server, feeds)
    print(f"  ours: {ours}", flush=True)
    serve(server, feeds)  # the changed feeds back to their first version
    naive = run_child("naive", urls, server, feeds)
    print(f"  naive: {naive}", flush=True)
    bare = run_child("bare", urls, server, feeds, str(ours["concurrency"]))
    print(f"  bare httpx: {bare}", flush=True)
    return {"ours": ours, "naive": naive, "bare_httpx": bare}


def main() -> None:
    feeds = build_feeds()
    megabytes = sum(len(body) for _, body, _ in feeds) / 1e6
    print(f"B1: {FEEDS} feeds, {megabytes:.1f} MB, {LATENCY * 1000:.0f} ms latency", flush=True)
    rounds = []
    with FeedServer(latency=LATENCY, host="127.0.0.1", more_hosts=HOSTS) as server:
        urls = serve(server, feeds)
        for number in range(1, ROUNDS + 1):
            print(f" round {number} of {ROUNDS}", flush=True)
            rounds.append(one_round(server, feeds, urls))
    middle = median_of(rounds)
    ours = middle["ours"]
    floor_cpu = parse_floor([body for _, body, _ in feeds])
    cores = os.cpu_count() or 1
    network_floor = FEEDS * LATENCY / ours["concurrency"]
    floor = floor_cpu / cores + network_floor
    # Unrounded, so that the verdict is not rounded up past the target.
    ratios = [r["naive"]["cold"]["wall"] / r["ours"]["cold"]["wall"] for r in rounds]
    result = {
        "feeds": FEEDS,
        "megabytes": round(megabytes, 1),
        "rounds": len(rounds),
        **middle,
        "round_speedups": [round(ratio, 2) for ratio in ratios],
        "parse_floor_cpu": round(floor_cpu, 2),
        "network_floor": round(network_floor, 2),
        "floor": round(floor, 2),
        "speedup_vs_naive": statistics.median(ratios),
        "ratio_to_floor": round(ours["cold"]["wall"] / floor, 2),
    }
    write_result("b1_poll", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    with measure():
        main()
