"""Time and peak memory of ``kg dump`` against Oxigraph's own N-Quads dump of the same store.

    .venv/bin/python bench/dump_bench.py                       # 1,000,000 triples
    .venv/bin/python bench/dump_bench.py --triples 250000,1000000,2000000
    .venv/bin/python bench/dump_bench.py --articles 10000      # the generated corpus

For each size it generates a synthetic news dataset (entities with Wikidata links,
articles in their own named graphs with sentences, blank-node sources) into an
on-disk store, then runs, each in a fresh process so that peak RSS belongs to that
run alone: the reference (``Store.dump`` to N-Quads, unsorted, one file),
``write_dumps`` from nothing (all the dumps, sorted and canonicalised, plus VoID and
checksums, every graph's part made afresh) and ``write_dumps`` again with every part
kept (what a release costs when nothing changed).
With ``--articles`` the store is instead a corpus of bench/generate.py built by
``kg build``: the same data as the build and HTTP benchmarks.
Peak memory is the run's whole process tree (its part workers included), sampled
every 50 ms, or the run's own maximum resident set size (``VmHWM``) when higher,
Oxigraph's caches included; CPU includes the workers'; ``--tracemalloc`` adds the
Python heap peak (slower).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from build_bench import communicate_sampled
from results import machine, preamble, write_section

HERE = Path(__file__).resolve().parent
BASE = "https://bench.example.org/"
KGO = f"{BASE}ontology/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
WORDS = ("minister", "tariff", "border", "trade", "agreement", "spokesman", "ministry",
         "said", "claimed", "denied")  # fmt: skip


def _kgo(name: str) -> ox.NamedNode:
    return ox.NamedNode(KGO + name)


def _entities(count: int) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(f"{BASE}graph/entities")
    for n in range(count):
        person = ox.NamedNode(f"{BASE}id/person/p{n}")
        wikidata = ox.NamedNode(f"http://www.wikidata.org/entity/Q{n}")
        yield ox.Quad(person, RDF_TYPE, _kgo("Person"), graph)
        yield ox.Quad(person, LABEL, ox.Literal(f"Person {n}", language="en"), graph)
        yield ox.Quad(person, SAME_AS, wikidata, graph)
        yield ox.Quad(person, _kgo("memberOf"), ox.NamedNode(f"{BASE}id/org/o{n % 97}"), graph)


def _article(number: int, people: int) -> Iterator[ox.Quad]:
    """An article graph: 4 statements about it (one a blank-node source), 24 sentences of 5."""
    node = ox.NamedNode(f"{BASE}id/article/a{number}")
    graph, source = node, ox.BlankNode()  # an unnamed source, as curators write [ … ]
    yield ox.Quad(node, RDF_TYPE, _kgo("Article"), graph)
    yield ox.Quad(node, LABEL, ox.Literal(f"Article {number}"), graph)
    yield ox.Quad(node, _kgo("source"), source, graph)
    yield ox.Quad(source, LABEL, ox.Literal("a senior official"), graph)
    for s in range(1, 25):
        sentence = ox.NamedNode(f"{node.value}/s{s}")
        text = " ".join(WORDS[(number + s + i) % len(WORDS)] for i in range(12)).capitalize()
        person = ox.NamedNode(f"{BASE}id/person/p{(number * 7 + s) % people}")
        yield ox.Quad(sentence, RDF_TYPE, _kgo("Sentence"), graph)
        yield ox.Quad(sentence, _kgo("text"), ox.Literal(text + "."), graph)
        number_literal = ox.Literal(str(s), datatype=XSD_INTEGER)
        yield ox.Quad(sentence, _kgo("sentenceNumber"), number_literal, graph)
        yield ox.Quad(sentence, _kgo("inArticle"), node, graph)
        yield ox.Quad(sentence, _kgo("mentions"), person, graph)


ARTICLE_QUADS = 4 + 24 * 5


def synthetic_quads(triples: int) -> Iterator[ox.Quad]:
    """About ``triples`` quads shaped like the project's data (a twentieth entities)."""
    people = max(triples // 80, 3)
    yield from _entities(people)
    for number in range(max((triples - 4 * people) // ARTICLE_QUADS, 1)):
        yield from _article(number, people)


def make_store(directory: Path, triples: int) -> tuple[Path, int]:
    """An on-disk store published like ``kg build`` does, with ``triples`` quads or so."""
    from kg.store.builds import DATABASE_DIR, new_build_dir, publish_build

    link = directory / "store"
    build = new_build_dir(link)
    store = ox.Store(str(build / DATABASE_DIR))
    store.bulk_extend(synthetic_quads(triples))
    store.flush()
    quads = len(store)
    del store
    info = {"version": f"bench-{triples}", "built_at": "2025-01-01T00:00:00Z"}
    publish_build(link, build, info)
    return link, quads


def build_corpus(directory: Path, articles: int) -> tuple[Path, int]:
    """A bench/generate.py corpus of ``articles`` built by ``kg build``; its quad count."""
    project = directory / "corpus"
    generate = [sys.executable, str(HERE / "generate.py"), "--articles", str(articles),
                "--out", str(project)]  # fmt: skip
    subprocess.run(generate, check=True, capture_output=True)
    build = [str(Path(sys.executable).parent / "kg"), "build", "--project", str(project),
             "--no-progress"]  # fmt: skip
    subprocess.run(build, check=True, capture_output=True)
    return project, len(ox.Store.read_only(str(_database(project))))


def _settings(project: Path):
    from kg.config import Settings

    if (project / "kg.toml").exists():  # a generated corpus: its own settings
        return Settings.load(project, env={})
    return Settings.load(project, env={}, overrides={"base_iri": BASE, "store": "store"})


def _database(project: Path) -> Path:
    from kg.store.builds import DATABASE_DIR, current_build

    return current_build(Path(_settings(project).store)) / DATABASE_DIR


def run_reference(project: Path) -> None:
    """Oxigraph's own dump of the whole store as N-Quads: unsorted, one file, no gzip."""
    store = ox.Store.read_only(str(_database(project)))
    store.dump(project / "reference.nq", ox.RdfFormat.N_QUADS)


PHASES: dict[str, dict[str, float]] = {}


def _phase(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Instrumentation: time a phase and note the peak RSS when it ends."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        PHASES[name] = {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}
        return result

    return timed


def run_kg(project: Path, *, kept: bool = False) -> None:
    """`kg dump` from nothing (no kept parts: every graph serialized, as after a change
    to the shared inputs), or with every part kept (``kept``: nothing changed since)."""
    import kg.release.dumps
    import kg.release.void

    settings = _settings(project)
    if not kept:
        shutil.rmtree(kg.release.dumps.parts_directory(settings), ignore_errors=True)
    kg.release.dumps._write_data = _phase("data dumps", kg.release.dumps._write_data)
    kg.release.dumps.write_void = _phase("VoID/DCAT", kg.release.void.write_void)
    kg.release.dumps.write_dumps(settings)


def peak_rss_mb() -> float:
    """This process image's peak resident set size.

    Linux's ``VmHWM`` starts afresh at exec; ``getrusage``'s ``ru_maxrss`` does not
    (exec carries over the parent's peak), so it is only the fallback elsewhere.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale / 1024


def children_cpu() -> float:
    """CPU seconds of this process's ended children: the dump's part workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, project: Path, trace: bool) -> None:
    """Runs one measurement in this (fresh) process and prints it as JSON."""
    import kg.release.dumps  # noqa: F401  (imports are not part of the measurement)

    if trace:
        import tracemalloc

        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time() + children_cpu()
    runs = {"reference": run_reference, "kg": run_kg,
            "kg-kept": lambda p: run_kg(p, kept=True)}  # fmt: skip
    runs[kind](project)
    result = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() + children_cpu() - cpu,  # its workers' too
        "peak_rss_mb": peak_rss_mb(),
    }
    if trace:
        result["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    result["phases"] = PHASES
    print(json.dumps(result))


def measure(kind: str, project: Path, trace: bool) -> dict[str, float]:
    """One run in a fresh process; its peak memory is that of the whole process tree
    (the dump's part workers with it), sampled every 50 ms, or the process's own peak
    when that is higher (a peak between two samples)."""
    command = [sys.executable, __file__, "--child", kind, "--project", str(project)]
    command += ["--tracemalloc"] if trace else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    output, errors, peak = communicate_sampled(process)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors[-3000:]}")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_mb"] = max(result["peak_rss_mb"], peak / 2**20)
    return result


def row(quads: int, name: str, result: dict[str, float], reference: dict[str, float]) -> str:
    """One Markdown table row; ratios are against the reference run."""
    if "python_peak_mb" in result:
        name += f" (Python heap peak {result['python_peak_mb']:.0f} MB)"
    cells = [
        f"{quads:,}",
        name,
        f"{result['seconds']:.1f}",
        f"{result['cpu_seconds']:.1f}",
        f"{result['peak_rss_mb']:.0f}",
        f"{result['seconds'] / reference['seconds']:.1f}×",
        f"{result['peak_rss_mb'] / reference['peak_rss_mb']:.1f}×",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="1000000", help="comma-separated sizes")
    parser.add_argument("--articles", help="comma-separated corpus sizes (bench/generate.py)")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap")
    parser.add_argument("--child", choices=("generate", "reference", "kg", "kg-kept"),
                        help=argparse.SUPPRESS)  # fmt: skip
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "generate":  # in its own process, so the runs inherit nothing of it
        print(json.dumps({"quads": make_store(args.project, args.size)[1]}))
        return
    if args.child:
        child(args.child, args.project, args.tracemalloc)
        return

    lines = ["## Measured", "", *preamble(machine()),
             "| quads | run | time (s) | CPU (s) | peak RSS (MB) | ratio time | ratio RSS |",
             "|---:|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    say = lines.append
    sizes = [("articles", int(n)) for n in args.articles.split(",")] if args.articles else [
        ("triples", int(n)) for n in args.triples.split(",")]  # fmt: skip
    for kind, size in sizes:
        with tempfile.TemporaryDirectory(prefix="kg-dump-bench-") as temp:
            started = time.perf_counter()
            if kind == "articles":
                project, quads = build_corpus(Path(temp), size)
            else:
                project = Path(temp)
                generate = [sys.executable, __file__, "--child", "generate", "--project",
                            str(project), "--size", str(size)]  # fmt: skip
                output = subprocess.run(generate, check=True, capture_output=True, text=True)
                quads = json.loads(output.stdout.strip().splitlines()[-1])["quads"]
            label = f"{size:,} articles" if kind == "articles" else f"{quads:,} quads"
            say(f"<!-- {label}: {quads} quads, made in {time.perf_counter() - started:.1f} s -->")
            reference = measure("reference", project, args.tracemalloc)
            ours = measure("kg", project, args.tracemalloc)
            kept = measure("kg-kept", project, args.tracemalloc)
            for name, result in (("Store.dump N-Quads", reference), ("kg dump", ours),
                                 ("kg dump, every part kept", kept)):  # fmt: skip
                say(row(quads, name, result, reference))
            for phase, numbers in ours["phases"].items():
                say(f"<!-- kg dump phase {phase}: {numbers['seconds']:.1f} s, "
                    f"peak RSS so far {numbers['peak_rss_mb']:.0f} MB -->")  # fmt: skip
            dist = Path(_settings(project).dist)
            files = {p.name: p.stat().st_size for p in dist.iterdir() if p.is_file()}
            say(f"<!-- dist/ sizes: {json.dumps(files)} -->")
    print("\n".join(lines))
    if not args.no_write:
        write_section("dump_bench.py", "\n".join(lines))
        print("wrote the dump section of bench/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
