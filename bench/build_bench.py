"""Build benchmark: full and incremental `kg build` on generated corpora, beside a plain load.

    .venv/bin/python bench/build_bench.py --articles 1000,10000 [--out bench/build.json]

For each size it generates a corpus (bench/generate.py, seed 1), then measures in
one run: `kg build` from nothing (validation of every article, load, dumps), a
rebuild after changing one article (the cache re-validates that article only),
and, as the reference, `oxigraph load` of the same data as N-Quads (the engine's
bulk loader with no validation: the floor for any build). Time is wall clock;
memory is the peak of the summed resident memory of the whole process tree
(the build's validation workers included), sampled every 50 ms from /proc.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from results import machine, preamble, write_section

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def communicate_sampled(process: subprocess.Popen) -> tuple[str, str | None, int]:
    """The process's output and errors once it ends, and the peak resident bytes of its
    whole tree (its workers too), sampled every 50 ms while it ran."""
    peak, stop = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(process.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, errors = process.communicate()
    stop.set()
    sampler.join()
    return output, errors, peak


def measure(command: list[str], cwd: Path | None = None) -> dict:
    """Run ``command``; wall seconds, peak tree memory and its output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)  # fmt: skip
    output, _, peak = communicate_sampled(process)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return {"seconds": time.perf_counter() - started, "peak_mb": peak / 2**20, "output": output}


def seconds_in(output: str, verb: str) -> float | None:
    match = re.search(rf"{verb} .* in ([0-9.]+) s", output)
    return float(match.group(1)) if match else None


def bench_size(articles: int, work: Path) -> dict:
    corpus = work / f"corpus-{articles}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--articles", str(articles),
                        "--out", str(corpus)], check=True)  # fmt: skip
    kg = [str(BIN / "kg"), "build", "--project", str(corpus), "--no-progress"]
    for leftover in (".kg", "dist", "dist.builds"):
        path = corpus / leftover
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)
    full = measure(kg)
    article = sorted((corpus / "data/articles").iterdir())[articles // 2] / "graph.ttl"
    text = article.read_text(encoding="utf-8")  # an edit: one label changed
    article.write_text(text.replace('rdfs:label "', 'rdfs:label "Edited: ', 1), encoding="utf-8")
    incremental = measure(kg)

    nquads = work / f"dataset-{articles}.nq"
    with gzip.open(corpus / "dist/dataset.nq.gz", "rb") as packed, nquads.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    location = work / f"oxigraph-{articles}"
    shutil.rmtree(location, ignore_errors=True)
    reference = measure([str(BIN / "oxigraph"), "load", "--location", str(location),
                         "--file", str(nquads)])  # fmt: skip
    result = {
        "articles": articles,
        "full": {k: v for k, v in full.items() if k != "output"},
        "full_build_s": seconds_in(full["output"], "built"),
        "full_dump_s": seconds_in(full["output"], "dumped"),
        "incremental": {k: v for k, v in incremental.items() if k != "output"},
        "incremental_build_s": seconds_in(incremental["output"], "built"),
        "incremental_dump_s": seconds_in(incremental["output"], "dumped"),
        "incremental_phases": incremental["output"].strip().splitlines()[-6:],
        "full_phases": full["output"].strip().splitlines()[-6:],
        "oxigraph_load": {k: v for k, v in reference.items() if k != "output"},
        "summary": full["output"].strip().splitlines()[-2:],
    }
    # the whole command, dumps and start-up included: what the curator waits for
    result["incremental_share"] = incremental["seconds"] / full["seconds"]
    result["build_vs_oxigraph_load"] = result["full_build_s"] / reference["seconds"]
    return result


TARGETS = (
    "at 10,000 articles, the whole `kg build` (dumps and VoID included) ≤ 90 s; after one "
    "label edited, the whole `kg build` ≤ 5 % of that; peak memory of any build ≤ 1 GB"
)


def triples_of(result: dict) -> str:
    found = re.search(r"([0-9,]+) triples", " ".join(result["summary"]))
    return f"{int(found.group(1).replace(',', '')):,}" if found else "?"


def section(results: list[dict]) -> str:
    """The build section of RESULTS.md: one row per corpus size, targets judged."""
    lines = ["## Measured", "", *preamble(machine()), f"Targets: {TARGETS}.", "",
             "| articles | triples | full: build + dump (s) | whole `kg build` (s) "
             "| peak RSS (MB) | one label edited: build + dump (s) | whole (s) | ÷ full "
             "| peak RSS (MB) | `oxigraph load` (s) | build ÷ load |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        lines.append(
            f"| {r['articles']:,} | {triples_of(r)} | {r['full_build_s']:.1f} + "
            f"{r['full_dump_s']:.1f} | {r['full']['seconds']:.1f} | {r['full']['peak_mb']:.0f} "
            f"| {r['incremental_build_s']:.2f} + {r['incremental_dump_s']:.2f} "
            f"| {r['incremental']['seconds']:.2f} | {100 * r['incremental_share']:.1f} % "
            f"| {r['incremental']['peak_mb']:.0f} "
            f"| {r['oxigraph_load']['seconds']:.1f} | {r['build_vs_oxigraph_load']:.1f}× |"
        )
    for r in results:  # what each phase did, as `kg build` prints it
        for kind in ("full", "incremental"):
            lines += ["", f"`kg build` at {r['articles']:,} articles, {kind}:", "", "```text",
                      *r[f"{kind}_phases"], "```"]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--work", type=Path, default=None, help="where corpora go (default: tmp)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-build-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = [bench_size(int(n), work) for n in args.articles.split(",")]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    for r in results:
        print(f"{r['articles']:>6} articles: full build {r['full_build_s']:.1f} s "
              f"(+ dump {r['full_dump_s']:.1f} s), peak {r['full']['peak_mb']:.0f} MB; "
              f"one label edited: whole command {r['incremental']['seconds']:.2f} s "
              f"({100 * r['incremental_share']:.1f} % of the full one); "
              f"oxigraph load {r['oxigraph_load']['seconds']:.1f} s "
              f"(build/load = {r['build_vs_oxigraph_load']:.1f}x)")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.no_write:
        write_section("build_bench.py", section(results))
        print("wrote the build section of bench/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
