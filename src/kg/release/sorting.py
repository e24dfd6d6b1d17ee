"""An external merge sort of byte lines: sorted and de-duplicated in bounded memory.

Used by the dumps, which must write millions of statements in a stable order
without holding them: lines are buffered up to a byte budget, sorted and spilled
to a run file; iterating merges the runs (``heapq.merge``) and drops repeats.
Sorting bytes of UTF-8 is sorting by code point, the order ``LC_ALL=C sort`` uses.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from pathlib import Path

LINE_OVERHEAD = 64  # bytes a Python bytes object and its list slot cost beyond the text
FAN_IN = 64  # runs merged at once; more are merged in passes, so open files stay few
READ_BUFFER = 2**16


class LineSort:
    """Add lines, then iterate them sorted and unique; at most ``budget`` bytes are held."""

    def __init__(self, directory: Path, budget: int) -> None:
        self.directory = directory
        self.budget = max(budget, 1)
        self.runs: list[Path] = []
        self._buffer: list[bytes] = []
        self._size = 0
        self._made = 0

    def add(self, line: bytes) -> None:
        self._buffer.append(line)
        self._size += len(line) + LINE_OVERHEAD
        if self._size >= self.budget:
            self._spill()

    def _new_run(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._made += 1
        return self.directory / f"run-{self._made:06d}"

    def _spill(self) -> None:
        self._buffer.sort()
        run = self._new_run()
        with run.open("wb", buffering=2**20) as out:
            out.writelines(self._buffer)
        self.runs.append(run)
        self._buffer, self._size = [], 0

    def __iter__(self) -> Iterator[bytes]:
        while len(self.runs) > FAN_IN:  # merge passes keep the number of open runs bounded
            merged = self._new_run()
            with merged.open("wb", buffering=2**20) as out:
                out.writelines(_unique(_merge(self.runs[:FAN_IN])))
            for run in self.runs[:FAN_IN]:
                run.unlink()
            self.runs = [*self.runs[FAN_IN:], merged]
        self._buffer.sort()
        yield from _unique(_merge(self.runs, self._buffer))


def _merge(runs: list[Path], memory: list[bytes] | None = None) -> Iterator[bytes]:
    handles = [run.open("rb", buffering=READ_BUFFER) for run in runs]
    try:
        yield from heapq.merge(memory or [], *handles)
    finally:
        for handle in handles:
            handle.close()


def _unique(lines: Iterator[bytes]) -> Iterator[bytes]:
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line
