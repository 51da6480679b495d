"""Which process holds a lease, and whether it still lives: read from ``/proc`` (Linux).

A lease row names its holder's host, pid and ``started``: the machine's boot, the pid
namespace, and the process's start time in clock ticks since boot (``/proc/<pid>/stat``'s
22nd field). Together they name one process: a pid reused by a later process has a later
start. Only a holder on this host, in this boot and pid namespace, can be seen to be dead:
one in a container's namespace, on another machine that shares the host name, or where
``/proc`` is missing (``started`` is then "") is taken to be alive, and waits out its lease.
"""

import os
import socket
from pathlib import Path

from news.store.leaders import Holder

PROC = Path("/proc")


def this_process(owner: str) -> Holder:
    """``owner``, held by this process."""
    return process_holder(owner, os.getpid())


def process_holder(owner: str, pid: int) -> Holder:
    """``owner``, held by process ``pid`` of this host."""
    stat, where = _stat(pid), _namespace()
    started = "" if stat is None or where is None else f"{where} {stat[1]}"
    return Holder(owner, socket.gethostname(), pid, started)


def is_gone(holder: Holder) -> bool:
    """True only when ``holder`` is a process of this host and namespace that has ended (or
    whose pid now belongs to a later process); unknown is alive."""
    where, _, ticks = holder.started.rpartition(" ")
    if holder.host != socket.gethostname() or not where or where != _namespace():
        return False
    stat = _stat(holder.pid)
    if stat is None:  # no such process, unless /proc hides others' (mounted hidepid)
        return holder.pid > 0 and not _exists(holder.pid)
    state, start = stat
    return state in {"Z", "X"} or str(start) != ticks  # a zombie has ended but for its entry


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether it could be
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _stat(pid: int) -> tuple[str, int] | None:
    """``pid``'s state and start (clock ticks since boot); None if it cannot be read."""
    try:
        stat = (PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # "pid (comm) state ppid …": comm may hold spaces and parentheses; starttime is the
    # 20th field after it.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[19])


def _namespace() -> str | None:
    """This boot and pid namespace: a pid means the same process only within both."""
    try:
        boot = (PROC / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        return f"{boot}/{(PROC / 'self/ns/pid').readlink()}"
    except OSError:
        return None
