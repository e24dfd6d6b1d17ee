"""Where the time goes in a py-spy profile: samples by function, self and inclusive.

    .venv/bin/python bench/profile_summary.py PROFILE.folded [--top 25] [--match kg/]

Reads collapsed stacks (``py-spy record --format raw``, as ``http_bench.py --profile``
writes them): one line per distinct stack, ``frame;frame;…;frame COUNT``, the root
first; with ``--subprocesses`` the root frame names the process. Prints the share of
samples per process, then the functions with the most samples in themselves (self)
and under them (inclusive), optionally only those whose frame contains ``--match``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def read(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            stacks.append((frames.split(";"), int(count)))
    return stacks


def summarize(stacks: list[tuple[list[str], int]], *, top: int, match: str) -> str:
    total = sum(count for _, count in stacks) or 1
    processes: Counter[str] = Counter()
    own: Counter[str] = Counter()
    under: Counter[str] = Counter()
    for frames, count in stacks:
        processes[frames[0] if frames[0].startswith("process ") else "(one process)"] += count
        own[frames[-1]] += count
        for frame in set(frames):
            under[frame] += count
    lines = [f"{total} samples", "", "by process:"]
    lines += [f"  {100 * n / total:5.1f}%  {name[:110]}" for name, n in processes.most_common()]
    for title, counter in (("self", own), ("inclusive", under)):
        lines += ["", f"{title} (top {top}):"]
        chosen = [(f, n) for f, n in counter.most_common() if match in f and
                  not f.startswith("process ")][:top]  # fmt: skip
        lines += [f"  {100 * n / total:5.1f}%  {frame[:110]}" for frame, n in chosen]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="only frames containing this text")
    args = parser.parse_args()
    print(summarize(read(args.profile), top=args.top, match=args.match))


if __name__ == "__main__":
    main()
