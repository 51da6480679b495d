"""How the benchmarks count a process tree's memory: every process, each page once in PSS."""

import subprocess
import sys

from bench.common import TreeMemory, tree_pids

# A parent that starts a child from a second thread, as the bot starts its parser
# processes; the child holds 40 MB. Both say "ready" once that is done.
CHILD = "x = bytearray(40 << 20); x[::4096] = bytes(len(x[::4096])); print('ready'); input()"
PARENT = f"""
import subprocess, sys, threading
started = []
def start():
    started.append(subprocess.Popen(
        [sys.executable, "-c", {CHILD!r}], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True
    ))
thread = threading.Thread(target=start)
thread.start(); thread.join()
started[0].stdout.readline()
print("ready", flush=True)
input()
started[0].communicate("")
"""


def test_the_tree_holds_a_child_started_by_another_thread_and_its_memory() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "ready"
        pids = tree_pids(parent.pid)
        rss, pss, count, root = TreeMemory(parent.pid).sample()
    finally:
        parent.communicate("\n")

    assert len(pids) == count == 2
    assert pids[0] == parent.pid
    assert rss >= 40 + 2 * 5  # the child's 40 MB, and two interpreters
    assert 40 <= pss <= rss
    assert 5 <= root < 40  # the parent alone: an interpreter, not the child's 40 MB


def test_an_ended_process_counts_for_nothing() -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(done.stdout)

    assert TreeMemory(pid).sample() == (0.0, 0.0, 1, 0.0)
