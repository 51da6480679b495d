"""What every benchmark shares: measuring a step, the corpus, and writing results."""

import json
import os
import platform
import re
import resource
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "feeds"
OUT = REPO / "bench" / "out"
FEED_KINDS = ("rss2", "atom", "rdf", "json", "news")


@dataclass
class Measure:
    """Wall and CPU seconds (this process and its finished children) of one step."""

    wall: float = 0.0
    cpu: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def cpu_seconds() -> float:
    """CPU time of this process plus children that have ended (parser workers, subprocesses)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def running_children_cpu() -> float:
    """CPU seconds of this process's running children (parser workers), from Linux /proc:
    ``cpu_seconds`` counts a child only once it has ended."""
    me, tick, total = os.getpid(), os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:  # the fields after "(command)": state, ppid, ..., utime (12th), stime (13th)
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "largest_child": round(child, 1)}


def rss_mb(pid: int) -> float:
    """Current resident memory of a running process, in MB (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


@contextmanager
def measure() -> Iterator[Measure]:
    """``with measure() as m: ...`` fills m.wall and m.cpu."""
    result = Measure()
    wall, cpu = time.perf_counter(), cpu_seconds()
    try:
        yield result
    finally:
        result.wall = time.perf_counter() - wall
        result.cpu = cpu_seconds() - cpu


def corpus_feeds() -> list[Path]:
    """The corpus files of the feed kinds a news bot polls, in a stable order."""
    if not CORPUS.is_dir():
        raise SystemExit(f"the shared corpus is needed for benchmarks: {CORPUS} not found")
    return sorted(p for kind in FEED_KINDS for p in (CORPUS / kind).iterdir() if p.is_file())


def machine() -> dict[str, str]:
    """Where the numbers come from."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory) // 1024 // 1024} GiB",
        "python": platform.python_version(),
        "os": platform.platform(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def commit() -> str:
    """The commit being measured (with "+dirty" when the tree has changes)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return head + ("+dirty" if dirty else "")


def write_result(name: str, result: dict[str, Any]) -> Path:
    """Save one scenario's numbers for run_all to tabulate."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path
