"""What every benchmark shares: measuring a step, the corpus, and writing results."""

import json
import os
import platform
import resource
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

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
    """Peak resident memory of this process, in MB, as the kernel keeps it. For a process
    started by a large one it is at least the starter's size then: the copy it was forked as
    counts until it runs a new interpreter (B1's pollers "peaked" at the 147 MB of the
    process serving the feeds, and a parser worker at the 110 MB of the bot). ``TreeMemory``
    watches a process, with its children, from outside."""
    return {"self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


class TreeSample(NamedTuple):
    """A process tree's memory at one moment, in MB."""

    rss: float  # resident memory, summed over the processes
    pss: float  # proportional memory (shared pages counted once), summed
    processes: int
    root_rss: float  # the resident memory of the tree's first process alone


@dataclass
class TreeMemory:
    """The most memory a process and all its descendants held at once, sampled from /proc by
    a thread of the process that watches (never the measured one).

    RSS counts the pages processes share (the interpreter, the libraries) once per process:
    its sum overstates what a tree of Python processes costs. PSS divides each shared page
    among its sharers, so its sum is what the tree costs the machine. Both are given, and
    the first process's own largest RSS.
    """

    pid: int
    every: float = 0.1  # reading PSS costs about 1.6 ms of CPU per 150 MB process
    rss_mb: float = 0.0  # the largest sum of resident memory
    pss_mb: float = 0.0  # the largest sum of proportional memory
    processes: int = 0  # processes in the tree when its PSS was largest
    root_rss_mb: float = 0.0  # the first process's largest resident memory
    _stop: threading.Event = field(default_factory=threading.Event)

    @contextmanager
    def watching(self) -> Iterator["TreeMemory"]:
        """Sample until the block ends."""
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()

    def sample(self) -> TreeSample:
        """The tree's memory now."""
        rss = pss = root = 0.0
        pids = tree_pids(self.pid)
        for pid in pids:
            resident = _proc_kb(pid, "status", "VmRSS:") / 1024
            root = root if pid != self.pid else resident
            rss += resident
            pss += _proc_kb(pid, "smaps_rollup", "Pss:") / 1024
        return TreeSample(round(rss, 1), round(pss, 1), len(pids), round(root, 1))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            now = self.sample()
            self.rss_mb = max(self.rss_mb, now.rss)
            self.root_rss_mb = max(self.root_rss_mb, now.root_rss)
            if now.pss > self.pss_mb:
                self.pss_mb, self.processes = now.pss, now.processes

    def peak(self) -> dict[str, float]:
        return {
            "rss": self.rss_mb,
            "pss": self.pss_mb,
            "processes": self.processes,
            "root_rss": self.root_rss_mb,
        }


def tree_pids(root: int) -> list[int]:
    """``root`` and its descendants, from each thread's list of the children it started."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:  # ended meanwhile
            continue
        for task in tasks:
            try:
                todo += map(int, (task / "children").read_text().split())
            except OSError:
                continue
    return pids


def _proc_kb(pid: int, name: str, key: str) -> int:
    """One "Key: N kB" line of /proc/<pid>/<name>, or 0 once the process has ended."""
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except OSError:
        return 0
    at = text.find(key)
    return int(text[at + len(key) :].split(None, 1)[0]) if at >= 0 else 0


def rss_mb(pid: int) -> float:
    """Current resident memory of a running process, in MB (Linux /proc)."""
    return _proc_kb(pid, "status", "VmRSS:") / 1024


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
