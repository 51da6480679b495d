"""B8: item HTML to text and links, ours against selectolax (Lexbor) and lxml.

1. The corpus: every item of the shared feed corpus, its HTML taken out by our feed parser;
   each reader turns the items that look like HTML into text and the two links
   (``read_item``), in rounds that alternate the readers. CPU per MB (the best round), and
   how many items give other text or other links than ours (samples written to
   ``bench/out/b8_html_differences.txt`` for reading).
2. Hostile HTML: each case at 1, 2 and 4 MB, each run in a process of its own (CPU of the
   read, and peak RSS over what the process held before it). A run past ``CAP`` seconds is
   stopped and the larger sizes of that case are not tried.

``python -m bench.b8_html``; one hostile run: ``python -m bench.b8_html READER CASE MB``.
"""

import json
import subprocess
import sys
import time
from collections.abc import Callable
from difflib import unified_diff
from pathlib import Path

from bench.common import CORPUS, OUT, REPO, write_result
from bench.html_readers import READERS
from news.feeds.parse import parse_feed
from news.models import ParseError
from news.text.extract import ItemRead
from news.text.markup import looks_like_html

ROUNDS = 3
SIZES = (1, 2, 4)
CAP = 30.0  # seconds for one hostile run
SAMPLES = 12  # differences written out per reader
MEGABYTE = 1_000_000


def _repeat(piece: str) -> Callable[[int], str]:
    return lambda size: piece * (size // len(piece))


# The hostile documents of tests/text and more: runs that made html.parser quadratic, deep
# nesting (a "<div>" is 5 bytes: 200,000 levels in 1 MB), a huge attribute, an unclosed comment.
HOSTILE: dict[str, Callable[[int], str]] = {
    "<a<a<a…": _repeat("<a"),
    "<!--<!--…": _repeat("<!--"),
    "<div> nested": _repeat("<div>"),
    "<div>x nested": _repeat("<div>x"),  # text at every level: is all of it kept?
    "<div><span><a href=x> nested": _repeat("<div><span><a href=x>"),
    "<b> nested": _repeat("<b>"),
    "<a href='/x'> repeated": _repeat("<a href='/x'>"),
    '<p title=" unclosed': _repeat('<p title="'),
    "huge attribute": lambda size: '<p title="' + "x" * size + '">text</p>',
    "unclosed comment": lambda size: "<p>kept</p><!--" + "<p>x</p>" * (size // 8),
}


def corpus_items() -> list[tuple[str, str]]:
    """(item HTML, base URL) of every corpus item that looks like HTML, in every folder of
    the corpus (the odd encodings, malformed and sanitizer cases too)."""
    if not CORPUS.is_dir():
        raise SystemExit(f"the shared corpus is needed for B8: {CORPUS} not found")
    items = []
    for path in sorted(p for p in CORPUS.rglob("*.*") if p.suffix != ".md"):
        kind = "application/feed+json" if path.parent.name == "json" else "application/xml"
        base = f"https://{path.stem}.example/"
        try:
            raw = parse_feed(path.read_bytes(), {"content-type": kind}, base)
        except ParseError:
            continue
        items += [(e.html, e.link or base) for e in raw.entries if looks_like_html(e.html)]
    return items


def measure_corpus(items: list[tuple[str, str]]) -> dict[str, object]:
    """CPU per MB of each reader, and its differences from ours."""
    size = sum(len(html.encode()) for html, _ in items) / MEGABYTE
    best = dict.fromkeys(READERS, float("inf"))
    outputs: dict[str, list[ItemRead]] = {}
    for round_number in range(ROUNDS):
        order = list(READERS)[round_number % len(READERS) :] + list(READERS)
        for name in dict.fromkeys(order):
            read = READERS[name]
            started = time.process_time()
            outputs[name] = [read(html, base) for html, base in items]
            best[name] = min(best[name], time.process_time() - started)
    ours = outputs["ours"]
    result: dict[str, object] = {"items": len(items), "megabytes": round(size, 2)}
    notes = []
    for name, reads in outputs.items():
        text = [i for i, (a, b) in enumerate(zip(ours, reads, strict=True)) if a.text != b.text]
        links = [
            i
            for i, (a, b) in enumerate(zip(ours, reads, strict=True))
            if (a.original, a.context) != (b.original, b.context)
        ]
        result[name] = {
            "cpu_s": round(best[name], 3),
            "ms_per_mb": round(best[name] * 1000 / size, 1),
            "vs_ours": round(best[name] / best["ours"], 2),
            "text_differs": len(text),
            "links_differ": len(links),
        }
        if name != "ours":
            notes += _differences(name, items, ours, reads, text, links)
    (OUT / "b8_html_differences.txt").write_text("\n".join(notes) + "\n")
    return result


def _differences(
    name: str,
    items: list[tuple[str, str]],
    ours: list[ItemRead],
    theirs: list[ItemRead],
    text: list[int],
    links: list[int],
) -> list[str]:
    """Samples of the differences, for reading: the lines that differ, the links."""
    notes = [f"##### {name}: {len(text)} items with other text, {len(links)} with other links"]
    for index in text[:SAMPLES]:
        notes.append(f"=== item {index} ({items[index][1]}): text, - ours + {name}")
        diff = unified_diff(ours[index].text.split("\n"), theirs[index].text.split("\n"), n=0)
        notes += [line[:300] for line in list(diff)[2:14]]
    for index in links[:SAMPLES]:
        mine, other = ours[index], theirs[index]
        notes.append(f"=== item {index} ({items[index][1]}): links, ours then {name}")
        notes += [f"  {mine.original} | {mine.context}", f"  {other.original} | {other.context}"]
    return notes


def hostile_run(reader: str, case: str, megabytes: int) -> dict[str, float]:
    """One hostile read in this process: CPU seconds, peak RSS and its growth over the RSS
    before reading (MB), and the characters of text read."""
    html = HOSTILE[case](megabytes * MEGABYTE)
    read = READERS[reader]
    before = _status_mb("VmRSS:")
    started = time.process_time()
    text = read(html, "https://x.example/").text
    cpu = time.process_time() - started
    peak = _status_mb("VmHWM:")
    return {
        "cpu_s": round(cpu, 3),
        "peak_mb": round(peak, 1),
        "peak_growth_mb": round(peak - before, 1),
        "text_chars": len(text),
    }


def _status_mb(key: str) -> float:
    """A figure of /proc/self/status in MB. The high-water mark starts anew at exec, unlike
    ru_maxrss, which a child keeps from the large process it was forked from."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_hostile() -> dict[str, dict[str, list[dict[str, float] | None]]]:
    """Every case, reader and size, each in its own process; None past the cap."""
    results: dict[str, dict[str, list[dict[str, float] | None]]] = {}
    for case in HOSTILE:
        results[case] = {}
        for reader in READERS:
            runs: list[dict[str, float] | None] = []
            for size in SIZES:
                if runs and runs[-1] is None:
                    runs.append(None)
                    continue
                runs.append(_child(reader, case, size))
            results[case][reader] = runs
            print(case, reader, runs, flush=True)
    return results


def _child(reader: str, case: str, size: int) -> dict[str, float] | None:
    command = [sys.executable, "-m", "bench.b8_html", reader, case, str(size)]
    try:
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=CAP, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    run: dict[str, float] = json.loads(done.stdout)
    return run


def main() -> None:
    if len(sys.argv) == 4:
        print(json.dumps(hostile_run(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = measure_corpus(corpus_items())
    print(json.dumps(corpus, indent=2), flush=True)
    hostile = measure_hostile()
    write_result("b8_html", {"corpus": corpus, "hostile": hostile, "sizes_mb": SIZES, "cap": CAP})


if __name__ == "__main__":
    main()
