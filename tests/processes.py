"""What a server's process tree is doing, read from /proc: CPU time and memory of the
query workers, which are the server's descendants (forked by a fork server)."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def descendants(root: int) -> list[int]:
    """Every live process below ``root``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_ticks(pid: int) -> int:
    """CPU time used so far by ``pid`` (0 once it is gone), in clock ticks."""
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0  # utime + stime


def busiest_descendant(root: int, *, over: float = 0.3) -> int:
    """The process below ``root`` that used the most CPU in the next ``over`` seconds
    (the query worker running a heavy query)."""
    before = {pid: cpu_ticks(pid) for pid in descendants(root)}
    time.sleep(over)
    return max(before, key=lambda pid: cpu_ticks(pid) - before[pid])


def cpu_seconds(root: int) -> float:
    """CPU time used so far by the live processes below ``root``."""
    return sum(cpu_ticks(pid) for pid in descendants(root)) / TICKS


def largest_rss_mb(root: int) -> float:
    """The resident memory of the largest process below ``root``, in MiB."""
    largest = 0
    for pid in descendants(root):
        fields = _stat(pid)
        if fields:
            largest = max(largest, int(fields[21]))  # rss, in pages
    return largest * PAGE_MB
