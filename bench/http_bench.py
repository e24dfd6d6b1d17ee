"""HTTP throughput and latency of ``kg serve`` beside ``oxigraph serve`` and rdflib-endpoint.

    .venv/bin/python bench/http_bench.py                    # 10,000 articles, writes RESULTS.md
    .venv/bin/python bench/http_bench.py --articles 200 --duration 3 --rounds 1 --no-write

One corpus from ``bench/generate.py``, built with ``kg build``, is served three
ways at once: (a) ``kg serve``; (b) ``oxigraph serve-read-only`` over a store
loaded from the build's own N-Quads dump, with the union default graph like ours;
(c) rdflib-endpoint's CLI over the same N-Quads (rdflib's in-memory store, union
default graph). ``wrk`` (Debian's, installed with apt-get when missing) then
loads each server in turn at ``--connections`` (8) for ``--duration`` seconds,
reading its requests from a file through a Lua script, for:

- *query mix*: every stored query (``sparql/*.rq`` but the ``-violation`` gates;
  the federated ones are not in that folder), each with its first parameter bound
  (a ``VALUES`` block, as ``kg query --param`` does) to values found in the data,
  as ``GET /sparql?query=…``; a query whose bound form takes Oxigraph alone more
  than ``--mix-limit`` seconds is left out and listed with its time;
- *point lookups*: ``CONSTRUCT WHERE { <iri> ?p ?o }`` over every resource under
  ``/id/`` (at 10,000 articles, more than 100,000), *distinct*: each wrk thread
  takes its own slice and sends each request once, and every run renames the
  variables, so no run repeats another's query and kg's response cache cannot
  answer (its hits, read from ``/healthz`` around each run, are reported); also
  at one connection (*at c=1*), and at two while a second wrk keeps four heavy
  aggregates running, each a new query text (*under heavy queries*);
- *resource .ttl twins* and *resource HTML pages*: kg's own documents of distinct
  resources, every run its own resources;
- *cached repeats*: 2,000 point lookups fetched once, then sent again and again;
- *heavy aggregate*: one query that groups and counts over every statement and
  its evidence sentences, a new text each time, on two connections (one per core).

Rounds are interleaved (every workload on every server, then again, the order of
servers rotated) so all three meet the same machine load; throughput is total
requests over total time, p50 and p99 the median of the rounds', CPU per request
the server's (all its processes) over the run. Before that,
every URL is fetched once from kg and Oxigraph and the answers' sizes compared
(rdflib-endpoint: one URL per stored query, it is slow), which also warms the
caches. Last, cold start: from process start to the first ``/sparql`` answer, for
``kg serve`` and ``oxigraph serve``.

``--workloads`` and ``--servers`` run a part of this (``--workloads "point lookups"
--servers oxigraph --cold-starts 0``: the point lookups beside Oxigraph alone).
The results replace the generated section of ``bench/RESULTS.md`` (between its
markers; the rest of the file is kept) unless ``--no-write``; ``--json FILE``
keeps the raw numbers. ``--profile DIR`` also records ``kg serve`` and its query
workers with py-spy under each workload, as collapsed stacks (``*.folded``, the
input of flame-graph tools; ``bench/profile_summary.py`` sums them by function).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import itertools
import json
import os
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import results as reporting

from kg.queries import is_violation_query, load_queries
from kg.store.bindings import with_values

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BIN = Path(sys.executable).parent
SELECT_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
TURTLE = "text/turtle"
VALUES_PER_QUERY = 16
DISTINCT_MIN = 100_000  # distinct subjects the point lookups need (issue 15)
KEPT = 2_000  # lookups fetched once, then repeated: what the response cache answers
HEAVY_BACKGROUND = 4  # heavy queries kept running under "point lookups under heavy queries"
TAG = "KGTAG"  # replaced per request by the Lua script: every heavy query is new
SLOW = 120  # seconds: a lone request that takes longer is given up (rdflib-endpoint)
QUERY_TIMEOUT = 30  # seconds: kg serve's default query_timeout, also when finding workloads
HEAVY = """\
PREFIX kgo: <https://kg.example.org/ontology/>
# Statements, the articles they come from and their evidence, per speaker's country
SELECT ?country (COUNT(DISTINCT ?statement) AS ?statements)
       (COUNT(DISTINCT ?article) AS ?articles) (SUM(STRLEN(?text)) AS ?evidenceChars)
WHERE {
  ?statement a kgo:Statement ;
             kgo:speaker ?speaker ;
             kgo:inArticle ?article ;
             kgo:evidence ?sentence .
  ?sentence kgo:text ?text .
  OPTIONAL { ?speaker kgo:country ?country }
}
GROUP BY ?country
ORDER BY DESC(?statements) ?country
"""
PROLOGUE = """\
PREFIX kgo: <https://kg.example.org/ontology/>
PREFIX stance: <https://kg.example.org/ontology/stance/>
PREFIX eventtype: <https://kg.example.org/ontology/event-type/>
PREFIX country: <https://kg.example.org/id/country/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# Values to bind each parameter of the stored queries to, found by small queries of their
# own: running a stored query unbound to find them can take minutes on a large corpus.
PARAMETER_VALUES = {
    "article": "?value a kgo:NewsArticle",
    "day": "?briefing kgo:eventType eventtype:press-briefing ; kgo:date/kgo:dateValue ?value",
    "target": "?policy a/rdfs:subClassOf* kgo:Policy ; kgo:target ?value",
    "accuser": "?statement kgo:stance stance:accuse ; kgo:speaker ?value",
    "rejectedBy": "?statement kgo:stance stance:reject ; kgo:speaker ?value",
    "resource": "?value kgo:accordingTo/kgo:speaker ?source . ?source a kgo:UnnamedSource",
    "actor": "?item kgo:actor|kgo:speaker ?value . ?value kgo:country country:china",
    "fact": "?value kgo:evidence ?sentence",
    "entity": "?value owl:sameAs|skos:exactMatch|skos:closeMatch|skos:related ?external",
    "speaker": "?statement kgo:quotation ?quotation ; kgo:speaker ?value",
    "issuer": "?document dcterms:creator ?value ; kgo:evidence ?sentence",
}
TARGETS = {"query mix": 0.5, "heavy aggregate": 0.8}  # issue 8, requests/s ÷ Oxigraph's
LOOKUPS, SINGLE, UNDER_HEAVY = (
    "point lookups",
    "point lookups at c=1",
    "point lookups under heavy queries",
)
TWINS, PAGES, REPEATS = "resource .ttl twins", "resource HTML pages", "cached repeats"
WORKLOADS = ("query mix", LOOKUPS, SINGLE, UNDER_HEAVY, TWINS, PAGES, REPEATS, "heavy aggregate")
SERVERS = ("kg", "oxigraph", "rdflib-endpoint")
RDFLIB_TARGET = 10.0


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, accept: str, *, timeout: float = 120) -> tuple[int, bytes]:
    """One plain GET on loopback (a new connection each time, as a cold client)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Server:
    name: str
    port: int
    sparql: str  # the query endpoint's path
    process: subprocess.Popen[bytes]
    log: Path
    command: list[str | Path]
    restarts: list[str] = field(default_factory=list)

    def wait_ready(self, timeout: float = 900) -> None:
        wait_until_answers(self.port, self.query_path("ASK { ?s ?p ?o }"), self.process,
                           deadline=time.monotonic() + timeout, what=self.name)  # fmt: skip

    def ensure_running(self) -> None:
        """Start the server again if it has exited (noted in the results, with its log)."""
        if self.process.poll() is None:
            return
        tail = self.log.read_text(errors="replace").strip().splitlines()[-3:]
        note = f"{self.name} exited with code {self.process.returncode} ({' / '.join(tail)})"
        print(f"warning: {note}; starting it again", file=sys.stderr)
        self.restarts.append(note)
        self.process = launch(self.command, self.log)
        self.wait_ready()

    def query_path(self, query: str) -> str:
        return f"{self.sparql}?query={quote(query, safe='')}"

    def answer(self, query: str, accept: str = SELECT_JSON, timeout: float = 120) -> bytes:
        status, body = get(self.port, self.query_path(query), accept, timeout=timeout)
        if status != 200:
            raise RuntimeError(f"{self.name}: HTTP {status} for {query[:80]!r}: {body[:300]!r}")
        return body


def wait_until_answers(port: int, path: str, process: subprocess.Popen, *, deadline: float,
                       what: str) -> float:  # fmt: skip
    """Poll until ``path`` answers 200; return the moment it did (monotonic)."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if get(port, path, SELECT_JSON, timeout=5)[0] == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{what} did not answer within the deadline")


def launch(command: Sequence[str | Path], log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    with log.open("ab") as out:
        return subprocess.Popen(list(map(str, command)), stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)  # fmt: skip


@contextmanager
def running(name: str, command: Sequence[str | Path], *, port: int, sparql: str, logs: Path,
            ready_timeout: float = 900) -> Iterator[Server]:  # fmt: skip
    """Start a server, wait for its first SPARQL answer, stop it (and its children) after."""
    log = logs / f"{name}.log"
    server = Server(name, port, sparql, launch(command, log), log, list(command))
    try:
        server.wait_ready(ready_timeout)
        yield server
    except BaseException:
        # the log lives in a temporary folder that is about to go: show its end
        tail = log.read_text(errors="replace").splitlines()[-40:]
        print(f"--- last lines of {name}'s log ---", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        stop(server.process)


def stop(process: subprocess.Popen) -> None:
    """Stop the process group we started (the server and its worker processes)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def kg_command(project: Path, port: int) -> list[str | Path]:
    return [BIN / "kg", "serve", "--project", project, "--host", "127.0.0.1", "--port", str(port)]


def oxigraph_command(location: Path, port: int, *, read_only: bool = True,
                     timeout: bool = False) -> list[str | Path]:  # fmt: skip
    """``timeout``: stop queries after kg's 30 s. Only for finding the workloads: under load
    oxigraph 0.5.13 then aborts now and then (a timeout thread per query; "failed to
    allocate an alternative stack")."""
    mode = "serve-read-only" if read_only else "serve"
    limit = ["--timeout-s", str(QUERY_TIMEOUT)] if timeout else []
    return [BIN / "oxigraph", mode, "--location", location, "--bind", f"127.0.0.1:{port}",
            "--union-default-graph", *limit]  # fmt: skip


def rdflib_command(nquads: Path, port: int) -> list[str | Path]:
    return [BIN / "rdflib-endpoint", "serve", nquads, "--host", "127.0.0.1", "--port", str(port)]


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def prepare_corpus(directory: Path, articles: int, seed: int) -> dict[str, float]:
    """Generate and build the corpus unless a build of it is already there."""
    timings: dict[str, float] = {}
    if not (directory / "dist" / "dataset.nq.gz").exists():
        started = time.perf_counter()
        generate = [sys.executable, BENCH / "generate.py", "--articles", str(articles), "--out",
                    directory, "--seed", str(seed), "--force"]  # fmt: skip
        subprocess.run(generate, check=True)
        timings["generate_s"] = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([BIN / "kg", "build", "--project", directory], check=True)
        timings["build_s"] = time.perf_counter() - started
    return timings


def unpack_nquads(directory: Path, work: Path) -> tuple[Path, int]:
    """The build's N-Quads dump, uncompressed (both other servers read it), and its size."""
    target = work / "dataset.nq"
    with gzip.open(directory / "dist" / "dataset.nq.gz", "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
    with target.open("rb") as lines:
        return target, sum(1 for _ in lines)


def load_oxigraph(nquads: Path, location: Path) -> None:
    subprocess.run([BIN / "oxigraph", "load", "--location", location, "--file", nquads],
                   check=True, capture_output=True)  # fmt: skip


# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------


@dataclass
class Workload:
    """What one wrk run sends. A *distinct* workload gets new requests for every run
    (``fresh(server, run)``), each sent once: no cache can answer them."""

    name: str
    accept: str
    queries: list[str] = field(default_factory=list)  # SPARQL, sent to every server
    paths: list[str] = field(default_factory=list)  # kg-only paths (documents, pages)
    servers: tuple[str, ...] = ("kg", "oxigraph", "rdflib-endpoint")
    fresh: Callable[[Server, int], list[str]] | None = None
    connections: int | None = None  # else --connections
    background: bool = False  # HEAVY_BACKGROUND heavy queries run meanwhile

    def server_paths(self, server: Server) -> list[str]:
        return self.paths or [server.query_path(q) for q in self.queries]


def untouched(query: str) -> str:
    """``query`` with a comment that the Lua script makes new in every request: the same
    work, but never a text a cache has seen."""
    return f"{query}# {TAG}\n"


def lookup(iri: str, tag: object = "") -> str:
    """One resource's triples; ``tag`` renames the variables, so the same lookup in
    another run is another request (same work, another cache key)."""
    return f"CONSTRUCT WHERE {{ <{iri}> ?p{tag} ?o{tag} }}"


def term(binding: dict[str, str]) -> ox.NamedNode | ox.Literal:
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None)


def spread(items: list, count: int) -> list:
    """``count`` items evenly spaced through ``items`` (all of them when fewer)."""
    if len(items) <= count:
        return items
    return [items[i * len(items) // count] for i in range(count)]


def parameter_values(reference: Server, name: str) -> list[ox.NamedNode | ox.Literal]:
    pattern = PARAMETER_VALUES[name]
    query = f"{PROLOGUE}SELECT DISTINCT ?value WHERE {{ {pattern} }} ORDER BY ?value"
    rows = json.loads(reference.answer(query))["results"]["bindings"]
    return [term(row["value"]) for row in spread(rows, VALUES_PER_QUERY)]


def query_mix(reference: Server, limit: float
              ) -> tuple[list[str], dict[str, list[str]], dict[str, float]]:  # fmt: skip
    """Each stored query bound to values of its first parameter, but those whose first
    variant takes Oxigraph itself more than ``limit`` seconds (returned apart)."""
    mix: dict[str, list[str]] = {}
    too_slow: dict[str, float] = {}
    # the repository's queries: a corpus made earlier holds the copy of its day
    for stored in load_queries(sorted((REPO / "sparql").glob("*.rq"))):
        if is_violation_query(stored):
            continue
        known = [p.name for p in stored.parameters if p.name in PARAMETER_VALUES]
        if known:
            values = parameter_values(reference, known[0])
            variants = [with_values(stored.text, {known[0]: v}) for v in values]
        else:
            variants = [stored.text]
        started = time.perf_counter()
        try:
            reference.answer(variants[0], timeout=SLOW)
            seconds = time.perf_counter() - started
        except (TimeoutError, RuntimeError):  # RuntimeError: Oxigraph's own timeout
            seconds = float("inf")
            wait_idle(reference)
        if seconds > limit:
            too_slow[stored.name] = seconds
            took = f"over {QUERY_TIMEOUT}" if seconds == float("inf") else f"{seconds:.1f}"
            print(f"{stored.name}: {took} s on Oxigraph alone, left out of the mix",
                  file=sys.stderr)  # fmt: skip
        else:
            mix[stored.name] = variants
    # interleave the queries so every stretch of the rotation holds all of them
    rotation = [q for i in range(VALUES_PER_QUERY) for qs in mix.values() if i < len(qs)
                for q in [qs[i]]]  # fmt: skip
    return rotation, mix, too_slow


def point_resources(reference: Server, base: str, seed: int) -> list[str]:
    """Every resource under ``{base}id/``, in a fixed random order."""
    query = (f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), '
             f'"{base}id/")) }}')  # fmt: skip
    rows = json.loads(reference.answer(query, timeout=600))["results"]["bindings"]
    iris = sorted(r["s"]["value"] for r in rows)
    random.Random(seed).shuffle(iris)
    if len(iris) < DISTINCT_MIN:
        print(f"warning: {len(iris):,} distinct subjects, fewer than {DISTINCT_MIN:,}; "
              "generate more articles", file=sys.stderr)  # fmt: skip
    return iris


def workloads(project: Path, reference: Server, base: str, mix_limit: float, *, seed: int,
              rounds: int, chosen: Sequence[str] = WORKLOADS, servers: Sequence[str] = SERVERS
              ) -> tuple[list[Workload], dict, dict, int]:  # fmt: skip
    """The ``chosen`` workloads, each on those of ``servers`` it runs on, and how many
    distinct subjects the point lookups draw from."""
    rotation, mix, too_slow = [], {}, {}
    if "query mix" in chosen:
        rotation, mix, too_slow = query_mix(reference, mix_limit)
    iris = point_resources(reference, base, seed)
    checked, kept, pool = iris[-40:], iris[-40 - KEPT : -40], iris[: -40 - KEPT]
    base_path = "/" + base.split("/", 3)[3]

    def document(iri: str, extension: str) -> str:
        return base_path + iri[len(base) :] + extension

    def lookups(server: Server, run: int) -> list[str]:
        return [server.query_path(lookup(iri, run)) for iri in pool]

    chunks = {TWINS: itertools.count(0, 2), PAGES: itertools.count(1, 2)}
    share = len(pool) // (2 * rounds)  # every page run its own resources, across all runs

    def pages(name: str, extension: str) -> Callable[[Server, int], list[str]]:
        def fresh(server: Server, run: int) -> list[str]:
            start = next(chunks[name]) * share
            return [document(iri, extension) for iri in pool[start : start + share]]

        return fresh

    ours = ("kg", "oxigraph")
    checks = [lookup(iri, "check") for iri in checked]
    every = [
        Workload("query mix", SELECT_JSON, queries=[untouched(q) for q in rotation]),
        Workload(LOOKUPS, NTRIPLES, queries=checks, servers=ours, fresh=lookups),
        Workload(SINGLE, NTRIPLES, queries=checks, servers=ours, fresh=lookups, connections=1),
        Workload(UNDER_HEAVY, NTRIPLES, queries=checks, servers=ours, fresh=lookups,
                 connections=2, background=True),
        Workload(TWINS, TURTLE, paths=[document(i, ".ttl") for i in checked], servers=("kg",),
                 fresh=pages(TWINS, ".ttl")),
        Workload(PAGES, "text/html", paths=[document(i, ".html") for i in checked],
                 servers=("kg",), fresh=pages(PAGES, ".html")),
        Workload(REPEATS, NTRIPLES, queries=[lookup(iri, "kept") for iri in kept], servers=ours),
        Workload("heavy aggregate", SELECT_JSON, queries=[untouched(HEAVY)], connections=2),
    ]  # fmt: skip
    for load in every:
        load.servers = tuple(name for name in load.servers if name in servers)
    return [load for load in every if load.name in chosen], mix, too_slow, len(pool)


def answer_size(body: bytes, accept: str) -> int:
    if accept == SELECT_JSON:
        return len(json.loads(body)["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"@"))


def timed(server: Server, queries: list[str], accept: str) -> tuple[list[int | None], float]:
    """Answer sizes (None: gave up after SLOW seconds, then waited until the server had
    finished) and the mean seconds per request."""
    sizes: list[int | None] = []
    started = time.perf_counter()
    for query in queries:
        try:
            sizes.append(answer_size(server.answer(query, accept, timeout=SLOW), accept))
        except TimeoutError:
            sizes.append(None)
            wait_idle(server)  # it is still working on it: let it finish before going on
    return sizes, (time.perf_counter() - started) / len(queries)


def check_answers(loads: list[Workload], mix: dict[str, list[str]], servers: dict[str, Server]
                  ) -> tuple[list[str], dict[str, dict], dict[tuple[str, str], float]]:  # fmt: skip
    """Every URL once from kg and Oxigraph, a sample from rdflib-endpoint (it is slow): same
    answer sizes as Oxigraph's, and the time one request takes alone (which also warms up)."""
    problems: list[str] = []
    single: dict[str, dict] = {}
    sequential: dict[tuple[str, str], float] = {}

    def compare(what: str, server: Server, sizes: list, expected: list) -> None:
        if sizes != expected[: len(sizes)]:
            problems.append(f"{what}: {server.name} answers {sizes}, oxigraph {expected}")

    for name, queries in mix.items():
        expected, _ = timed(servers["oxigraph"], queries, SELECT_JSON)
        single[name] = {"rows": expected[0]}
        for server in servers.values():
            sample = queries if server.name != "rdflib-endpoint" else queries[:1]
            sizes, single[name][server.name] = timed(server, sample, SELECT_JSON)
            single[name][f"{server.name} gave up"] = None in sizes
            compare(name, server, sizes, expected)
    for server in servers if mix else ():
        times = [single[name][server] for name in mix]
        sequential["query mix", server] = sum(times) / len(times)
    for load in loads:
        if load.paths:  # kg's own documents, a sample: status only
            sample = load.paths[:: max(1, len(load.paths) // 40)]
            started = time.perf_counter()
            for path in sample:
                status, _ = get(servers["kg"].port, path, load.accept)
                if status != 200:
                    problems.append(f"{load.name}: HTTP {status} for {path}")
            sequential[load.name, "kg"] = (time.perf_counter() - started) / len(sample)
            continue
        if load.name == "query mix":
            continue
        expected, _ = timed(servers["oxigraph"], load.queries, load.accept)
        for name in load.servers:
            sample = load.queries if name != "rdflib-endpoint" else load.queries[:5]
            sizes, sequential[load.name, name] = timed(servers[name], sample, load.accept)
            compare(load.name, servers[name], sizes, expected)
    return problems, single, sequential


def group_cpu_seconds(group: int) -> float:
    """CPU time used so far by every process of a process group (a server and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(server: Server, *, limit: float = 1800) -> float:
    """Wait until the server has stopped working (requests given up by a client go on)."""
    started = time.monotonic()
    before = group_cpu_seconds(server.process.pid)
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = group_cpu_seconds(server.process.pid)
        if now - before < 0.03:
            break
        before = now
    return time.monotonic() - started


# ---------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------

LUA = """\
-- generated by bench/http_bench.py. Paths come from a file, one a line. Distinct: each
-- thread takes its own slice and stops at its end (nothing is sent twice); else each
-- thread rotates through them all from its own start. KGTAG in a path becomes a new
-- value on every request.
local file, distinct, threads = "{PATHS_FILE}", {DISTINCT}, {THREADS}
local headers = {{ ["Accept"] = "{ACCEPT}" }}
local started = 0

function setup(thread)
  thread:set("index", started)
  started = started + 1
end

function init(args)
  local all = {{}}
  for line in io.lines(file) do all[#all + 1] = line end
  paths, i, sent = all, 0, 0
  if distinct then
    local per = math.floor(#all / threads)
    paths = {{}}
    for k = index * per + 1, (index + 1) * per do paths[#paths + 1] = all[k] end
  else
    i = (index * 7919) % #paths
  end
  tagged = string.find(all[1], "KGTAG", 1, true) ~= nil
end

function request()
  i = i + 1
  if i > #paths then
    if distinct then wrk.thread:stop() end
    i = 1
  end
  sent = sent + 1
  local path = paths[i]
  if tagged then path = string.gsub(path, "KGTAG", index .. "n" .. sent) end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout))
end
"""


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's packages when it is missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: sudo apt-get install wrk")
    print("installing wrk with apt-get", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


@dataclass(frozen=True)
class Script:
    """A wrk Lua script and the file of paths it reads."""

    path: Path
    threads: int
    distinct: bool
    size: int  # paths in the file


def lua_script(paths: list[str], accept: str, directory: Path, name: str, *, threads: int,
               distinct: bool = False) -> Script:  # fmt: skip
    listing = directory / f"{name}.paths"
    listing.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
    script = directory / f"{name}.lua"
    script.write_text(LUA.format(PATHS_FILE=listing, DISTINCT=str(distinct).lower(),
                                 THREADS=threads, ACCEPT=accept), encoding="utf-8")  # fmt: skip
    return Script(script, threads, distinct, len(paths))


def wrk_command(wrk: str, server: Server, script: Script, *, duration: float,
                connections: int) -> list[str]:  # fmt: skip
    threads = min(script.threads, connections)
    return [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "60s",
            "-s", str(script.path), f"http://127.0.0.1:{server.port}"]  # fmt: skip


def run_wrk(wrk: str, server: Server, script: Script, *, duration: float,
            connections: int) -> dict:  # fmt: skip
    """One run; with the server's CPU time per request, and for kg its cache's hits."""
    command = wrk_command(wrk, server, script, duration=duration, connections=connections)
    cache, cpu = cache_counts(server), group_cpu_seconds(server.process.pid)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON "))
    numbers = json.loads(line[len("WRK_JSON ") :])
    numbers["cpu_s"] = group_cpu_seconds(server.process.pid) - cpu
    after = cache_counts(server)
    if cache is not None and after is not None:
        numbers["cache_hits"] = after["hits"] - cache["hits"]
    numbers["ran_out"] = script.distinct and numbers["requests"] >= script.size - 2 * connections
    return numbers


def cache_counts(server: Server) -> dict[str, int] | None:
    """kg's response-cache counters (None for other servers)."""
    if server.name != "kg":
        return None
    return json.loads(get(server.port, "/healthz", "application/json")[1])["cache"]


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


@dataclass
class Result:
    """The wrk runs of one workload on one server; or, when one request alone takes more
    than half a run, no run and the rate of requests made one at a time."""

    sequential_s: float
    runs: list[dict] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return not self.runs

    @property
    def requests(self) -> int:
        return sum(r["requests"] for r in self.runs)

    @property
    def seconds(self) -> float:
        return sum(r["duration_us"] for r in self.runs) / 1e6

    @property
    def throughput(self) -> float:
        if self.skipped:
            return 1 / self.sequential_s
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(r[k] for r in self.runs for k in ("connect", "read", "write", "status",
                                                     "timeout"))  # fmt: skip

    @property
    def cpu_us(self) -> float | None:
        """The server's CPU time (all its processes) per request."""
        done = [r for r in self.runs if "cpu_s" in r and r["requests"]]
        if not done:
            return None
        return sum(r["cpu_s"] for r in done) / sum(r["requests"] for r in done) * 1e6

    @property
    def cache_hits(self) -> int | None:
        hits = [r["cache_hits"] for r in self.runs if "cache_hits" in r]
        return sum(hits) if hits else None

    @property
    def ran_out(self) -> bool:
        return any(r.get("ran_out") for r in self.runs)

    def latency_ms(self, key: str) -> float | None:
        if self.skipped:
            return self.sequential_s * 1000 if key == "p50_us" else None
        values = [r[key] / 1000 for r in self.runs if r["requests"]]
        return statistics.median(values) if values else None


def measure(wrk: str, loads: list[Workload], servers: dict[str, Server], scripts: Path, *,
            sequential: dict[tuple[str, str], float], rounds: int, duration: float,
            connections: int, threads: int,
            profile: Path | None) -> dict[tuple[str, str], Result]:  # fmt: skip
    results = {key: Result(seconds) for key, seconds in sequential.items()}

    def script(load: Workload, name: str, run: int) -> Script:
        label = f"{load.name}-{name}".replace(" ", "-").replace(",", "").replace("=", "")
        if load.fresh is None:
            if (load.name, name) not in prepared:
                prepared[load.name, name] = lua_script(
                    load.server_paths(servers[name]), load.accept, scripts, label, threads=threads
                )
            return prepared[load.name, name]
        return lua_script(load.fresh(servers[name], run), load.accept, scripts, f"{label}-{run}",
                          threads=threads, distinct=True)  # fmt: skip

    prepared: dict[tuple[str, str], Script] = {}
    heavy = {name: lua_script([servers[name].query_path(untouched(HEAVY))], SELECT_JSON,
                              scripts, f"heavy-{name}", threads=1)
             for name in servers}  # fmt: skip
    run = 0
    for round_number in range(rounds):
        for load in loads:
            order = list(load.servers)
            shift = round_number % len(order)
            for name in order[shift:] + order[:shift]:
                if sequential[load.name, name] > duration / 2:
                    continue  # a run would measure a handful of requests, then wait for minutes
                run += 1
                print(f"round {round_number + 1}/{rounds}: {load.name} on {name}", file=sys.stderr)
                servers[name].ensure_running()
                ready = script(load, name, run)
                with heavy_queries(wrk, servers[name], heavy[name], duration, load.background):
                    numbers = run_wrk(wrk, servers[name], ready, duration=duration,
                                      connections=load.connections or connections)  # fmt: skip
                results[load.name, name].runs.append(numbers)
                wait_idle(servers[name])  # what wrk gave up on must not load the next run
    if profile:
        profile.mkdir(parents=True, exist_ok=True)
        for load in loads:
            run += 1
            record_profile(
                wrk,
                servers["kg"],
                script(load, "kg", run),
                profile,
                load.name,
                duration=duration,
                connections=load.connections or connections,
            )
    return results


@contextmanager
def heavy_queries(wrk: str, server: Server, script: Script, duration: float,
                  wanted: bool) -> Iterator[None]:  # fmt: skip
    """HEAVY_BACKGROUND heavy queries running on ``server`` (each one new: no cache
    answers them) from a second wrk, from a second before the measured run to its end."""
    if not wanted:
        yield
        return
    command = wrk_command(wrk, server, script, duration=duration + 2,
                          connections=HEAVY_BACKGROUND)  # fmt: skip
    background = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        yield
    finally:
        background.terminate()
        background.wait()


def record_profile(wrk: str, server: Server, script: Script, directory: Path, name: str, *,
                   duration: float, connections: int) -> None:  # fmt: skip
    """py-spy over kg serve and its query workers while wrk loads it."""
    spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if not spy:
        print("py-spy is missing: pip install py-spy (the bench extra)", file=sys.stderr)
        return
    target = directory / f"{name.replace(' ', '-').replace('.', '')}.folded"
    recorder = subprocess.Popen([spy, "record", "--subprocesses", "--pid", str(server.process.pid),
                                 "--duration", str(int(duration)), "--rate", "200", "--format",
                                 "raw", "--output", str(target), "--nonblocking"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(1)
    run_wrk(wrk, server, script, duration=duration, connections=connections)
    recorder.wait()
    print(f"profile of kg serve under {name}: {target}", file=sys.stderr)


def cold_starts(project: Path, location: Path, repeats: int) -> dict[str, list[float]]:
    """Seconds from process start to the first /sparql answer (``ASK``), each a fresh process."""
    ask = quote("ASK { ?s ?p ?o }", safe="")
    results: dict[str, list[float]] = {"kg serve": [], "oxigraph serve": []}
    for _ in range(repeats):
        for name in results:
            port = free_port()
            if name == "kg serve":
                command, path = kg_command(project, port), f"/sparql?query={ask}"
            else:
                command = oxigraph_command(location, port, read_only=False)
                path = f"/query?query={ask}"
            env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
            started = time.monotonic()
            process = subprocess.Popen(list(map(str, command)), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=env,
                                       start_new_session=True)  # fmt: skip
            try:
                answered = wait_until_answers(port, path, process, what=name,
                                              deadline=started + 120)  # fmt: skip
                results[name].append(answered - started)
            finally:
                stop(process)
    return results


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def machine(wrk: str) -> dict[str, str]:
    """bench/results.py's description, with the servers and the load generator compared."""
    oxigraph = subprocess.run([BIN / "oxigraph", "--version"], capture_output=True, text=True)
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    info = reporting.machine()
    info["cpu"] += f" (nproc {len(os.sched_getaffinity(0))})"
    info["versions"] += ", " + ", ".join([
        oxigraph.stdout.strip() or "oxigraph ?",
        f"rdflib-endpoint {reporting.version('rdflib-endpoint')}",
        wrk_version.split(" Copyright")[0],
    ])  # fmt: skip
    return info


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def ratio(ours: Result, theirs: Result) -> str:
    if not theirs.throughput:
        return "—"
    value = ours.throughput / theirs.throughput
    return f"{'≈ ' if theirs.skipped else ''}{value:.2f}×" if value < 10 else f"{value:,.0f}×"


def rate(result: Result) -> str:
    if result.skipped:
        return f"≈ {result.throughput:.2f} (one at a time)"
    return f"{result.throughput:,.1f}" if result.throughput >= 1 else f"{result.throughput:.2f}"


def serving_targets(results: dict[tuple[str, str], Result]) -> list[str]:
    """Issue 15's targets, each met or missed in this run."""
    lines = ["Targets of issue 15 (same run, same data):", ""]

    def check(what: str, value: float | None, target: float, *, at_most: bool, unit: str) -> None:
        if value is None:
            return
        met = value <= target if at_most else value >= target
        bound = "≤" if at_most else "≥"
        lines.append(f"- {what}: {value:.2f}{unit} (target {bound} {target:g}{unit}): "
                     f"{'met' if met else '**missed**'}")  # fmt: skip

    def pair(name: str) -> tuple[Result | None, Result | None]:
        return results.get((name, "kg")), results.get((name, "oxigraph"))

    def times(ours: Result | None, theirs: Result | None) -> float | None:
        if ours is None or theirs is None or not theirs.throughput:
            return None
        return ours.throughput / theirs.throughput

    ours, theirs = pair(LOOKUPS)
    check("distinct point lookups at c=8, requests/s ÷ Oxigraph's", times(ours, theirs), 0.3,
          at_most=False, unit="×")  # fmt: skip
    check("point lookups at c=8, p99", ours and ours.latency_ms("p99_us"), 25, at_most=True,
          unit=" ms")  # fmt: skip
    one, reference = pair(SINGLE)
    if one and reference and reference.latency_ms("p50_us"):
        check("p50 at c=1 ÷ Oxigraph's", one.latency_ms("p50_us") / reference.latency_ms("p50_us"),
              5, at_most=True, unit="×")  # fmt: skip
    busy, busy_reference = pair(UNDER_HEAVY)
    check(f"{UNDER_HEAVY}, p99", busy and busy.latency_ms("p99_us"), 25, at_most=True, unit=" ms")
    check(f"{UNDER_HEAVY}, requests/s ÷ Oxigraph's under the same load",
          times(busy, busy_reference), 0.3, at_most=False, unit="×")  # fmt: skip
    for name in (TWINS, PAGES):
        page = results.get((name, "kg"))
        check(f"distinct {name}, requests/s ÷ Oxigraph's point lookups", times(page, theirs),
              0.1, at_most=False, unit="×")  # fmt: skip
        check(f"distinct {name}, p99", page and page.latency_ms("p99_us"), 50, at_most=True,
              unit=" ms")  # fmt: skip
    check("cached repeats, requests/s ÷ Oxigraph's distinct point lookups",
          times(results.get((REPEATS, "kg")), theirs), 0.5, at_most=False, unit="×")  # fmt: skip
    check("cached repeats, requests/s ÷ Oxigraph's on the same requests",
          times(*pair(REPEATS)), 0.5, at_most=False, unit="×")  # fmt: skip
    return lines


def report(info: dict, results: dict[tuple[str, str], Result], single: dict,
           starts: dict[str, list[float]], problems: list[str],
           too_slow: dict[str, float]) -> str:  # fmt: skip
    lines = [
        "# HTTP benchmark: `kg serve` beside `oxigraph serve` and rdflib-endpoint",
        "",
        f"Reproduce with `make bench`, or `{info['command']}`. What is measured and how: "
        "the docstring of `bench/http_bench.py`.",
        "",
        f"- **Machine:** {info['machine']['cpu']}; {info['machine']['memory']} RAM; "
        f"{info['machine']['os']}; Python {info['machine']['python']}; load average "
        f"{info['load_before']} before, {info['load_after']} after.",
        f"- **Versions:** {info['machine']['versions']}.",
        f"- **Corpus:** {info['articles']:,} synthetic articles (`bench/generate.py --seed "
        f"{info['seed']}`), {info['quads']:,} quads, built with `kg build`"
        + (f" in {info['build_s']:.0f} s" if "build_s" in info else "") + ".",
        f"- **Load:** `wrk -t{info['threads']} -c{info['connections']}`, {info['rounds']} "
        f"interleaved rounds of {info['duration']:.0f} s per workload and server; `kg serve` "
        "with its defaults (query workers: one per core, at least 2).",
        "",
        "| workload | server | requests/s | p50 (ms) | p99 (ms) | errors | CPU µs/request "
        "| cache hits | ours ÷ theirs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for load in dict.fromkeys(name for name, _ in results):
        ours = results[load, "kg"]
        for server in ("kg", "oxigraph", "rdflib-endpoint"):
            result = results.get((load, server))
            if result is None:
                continue
            cpu, hits = result.cpu_us, result.cache_hits
            cells = [load + (" ‡" if result.ran_out else ""), server, rate(result),
                     ms(result.latency_ms("p50_us")), ms(result.latency_ms("p99_us")),
                     "" if result.skipped else str(result.errors),
                     "" if cpu is None else f"{cpu:,.0f}", "" if hits is None else f"{hits:,}",
                     ratio(ours, result) if server != "kg" else ""]  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "A row *one at a time* had no wrk run: one request alone took more than half a run "
        f"({info['duration'] / 2:.0f} s), so its rate is that of requests made one after the "
        "other and its p50 that request's time (rdflib-endpoint answers on one core, one "
        "request at a time, so concurrency would not raise it).",
        "",
        f"Point lookups, pages and twins are *distinct*: {info['subjects']:,} resources, "
        "none requested twice in a run (the lookups rename their variables in every run, "
        "so no run repeats another's query; each page run has resources of its own), so "
        "the response cache cannot answer them: its hits are in the *cache hits* column "
        f"(`/healthz`). *{UNDER_HEAVY}*: {HEAVY_BACKGROUND} connections of a second wrk keep "
        "sending the heavy aggregate meanwhile. The query mix and the heavy aggregate carry "
        "a comment that is new in every request: the cache cannot answer them either. The "
        "heavy aggregate runs on 2 connections (one per core: at 8, a 10,000-article "
        "aggregate takes longer than a run). *Cached "
        f"repeats*: {KEPT:,} lookups, each fetched once before, sent again and again. CPU "
        "is the server's, all its processes (kg's query workers included), per request. "
        "‡: a thread ran out of distinct requests before the end (the rate is a lower bound).",
        "",
        *serving_targets(results),
        "",
        "Targets of issue 8, as ratios of requests per second in this run:",
        "",
    ]
    for load, target in TARGETS.items():
        if (load, "oxigraph") not in results:
            continue
        ours, theirs = results[load, "kg"], results[load, "oxigraph"]
        value = ours.throughput / theirs.throughput if theirs.throughput else 0
        verdict = "met" if value >= target else "**missed**"
        lines.append(f"- {load}: {value:.2f}× `oxigraph serve` (target ≥ {target}×): {verdict}")
    if ("query mix", "rdflib-endpoint") in results:
        ours, theirs = results["query mix", "kg"], results["query mix", "rdflib-endpoint"]
        value = ours.throughput / theirs.throughput
        verdict = "met" if value >= RDFLIB_TARGET else "**missed**"
        lines.append(f"- query mix: {ratio(ours, theirs)} rdflib-endpoint (target ≥ "
                     f"{RDFLIB_TARGET:.0f}×): {verdict}")  # fmt: skip
    # the servers this run timed one at a time, in the table's order
    timed_servers = [s for s in SERVERS if any(s in times for times in single.values())]
    lines += [] if not single else [
        "",
        "One request at a time (no concurrency), each stored query as bound in the mix "
        "(mean over its bound variants; rdflib-endpoint: the first variant only), with the "
        "rows of the first variant († the client gave up after "
        f"{SLOW} s; the time is until the server had finished):",
        "",
        "| stored query | rows | " + " | ".join(f"{s} (ms)" for s in timed_servers) + " |",
        "|---|---:|" + "---:|" * len(timed_servers),
    ]  # fmt: skip
    for name, times in single.items():
        cells = [
            f"`{name}`",
            str(times["rows"]),
            *(
                ms(times[s] * 1000) + ("†" if times.get(f"{s} gave up") else "")
                for s in timed_servers
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")  # fmt: skip
    if too_slow:
        lines += ["", f"Left out of the mix: a bound variant takes `oxigraph serve` alone more "
                  f"than {info['mix_limit']:g} s, so at concurrency 8 it would be the whole "
                  "measurement (and hit `kg serve`'s 30 s query timeout):", ""]  # fmt: skip
        for name, seconds in too_slow.items():
            took = f"over {QUERY_TIMEOUT}" if seconds == float("inf") else f"{seconds:.1f}"
            lines.append(f"- `{name}`: {took} s")
    if starts:
        lines += ["", "Cold start, from process start to the first `/sparql` answer "
                  f"(median of {len(starts['kg serve'])}; each run listed):", ""]  # fmt: skip
    for name, values in starts.items():
        listed = ", ".join(f"{v:.2f}" for v in values)
        lines.append(f"- `{name}`: {statistics.median(values):.2f} s ({listed})")
    if problems:
        lines += ["", "Problems seen (answers that differed from Oxigraph's, servers that had "
                  "to be started again):", ""]  # fmt: skip
        lines += [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path,
                        help="project directory to use (generated and built there if it has no "
                        "build yet); default: a fresh temporary directory")  # fmt: skip
    parser.add_argument("--duration", type=float, default=5,
                        help="seconds per wrk run (default 5: at Oxigraph's rate, the distinct "
                        "lookups of 10,000 articles last about 6 s)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--cold-starts", type=int, default=3, help="0: none")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help=f"comma-separated, of: {', '.join(WORKLOADS)}")  # fmt: skip
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help="comma-separated servers to start besides kg")  # fmt: skip
    parser.add_argument("--mix-limit", type=float, default=1.0,
                        help="leave out of the mix stored queries that take Oxigraph alone longer "
                        "than this many seconds (default 1)")  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--profile", type=Path, help="py-spy profiles of kg serve, here")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.workloads.split(",") if name.strip()]
    names = ["kg", *(n.strip() for n in args.servers.split(",") if n.strip() not in ("", "kg"))]
    if set(chosen) - set(WORKLOADS) or set(names) - set(SERVERS) or "oxigraph" not in names:
        parser.error(f"workloads are among {WORKLOADS}; servers among {SERVERS}, oxigraph "
                     "included (it is the reference)")  # fmt: skip
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped too
    wrk = ensure_wrk()
    command = shlex.join(["python", "bench/http_bench.py", *(argv or sys.argv[1:])])
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-http-bench-")))
        project = args.corpus or work / "corpus"
        info: dict = {"command": command.strip(), "articles": args.articles, "seed": args.seed,
                      "duration": args.duration, "rounds": args.rounds,
                      "connections": args.connections, "threads": args.threads,
                      "mix_limit": args.mix_limit}  # fmt: skip
        info |= prepare_corpus(project, args.articles, args.seed)
        nquads, info["quads"] = unpack_nquads(project, work)
        location = work / "oxigraph"
        load_oxigraph(nquads, location)
        base = "https://kg.example.org/"
        ports = {name: free_port() for name in SERVERS}
        commands = {
            "kg": (kg_command(project, ports["kg"]), "/sparql"),
            "oxigraph": (oxigraph_command(location, ports["oxigraph"]), "/query"),
            # its CLI serves SPARQL at /, not /sparql
            "rdflib-endpoint": (rdflib_command(nquads, ports["rdflib-endpoint"]), "/"),
        }  # fmt: skip
        servers = {name: stack.enter_context(running(name, commands[name][0], port=ports[name],
                                                     sparql=commands[name][1], logs=work))
                   for name in names}  # fmt: skip
        port = free_port()
        finder = oxigraph_command(location, port, timeout=True)
        with running("oxigraph-finder", finder, port=port, sparql="/query", logs=work) as found:
            loads, mix, too_slow, info["subjects"] = workloads(
                project, found, base, args.mix_limit, seed=args.seed, rounds=args.rounds,
                chosen=chosen, servers=names)  # fmt: skip
        print("checking every answer once (and warming up)", file=sys.stderr)
        problems, single, sequential = check_answers(loads, mix, servers)
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        info["load_before"] = f"{os.getloadavg()[0]:.2f}"
        info["machine"] = machine(wrk)
        results = measure(wrk, loads, servers, work, sequential=sequential, rounds=args.rounds,
                          duration=args.duration,
                          connections=args.connections, threads=args.threads,
                          profile=args.profile)  # fmt: skip
        info["load_after"] = f"{os.getloadavg()[0]:.2f}"
        problems += [note for server in servers.values() for note in server.restarts]
        for name in list(servers):
            stop(servers.pop(name).process)
        starts = cold_starts(project, location, args.cold_starts) if args.cold_starts else {}
    section = report(info, results, single, starts, problems, too_slow)
    print(section)
    if args.json:
        raw = {"info": info, "single": single, "cold_start": starts, "problems": problems,
               "too_slow": too_slow,
               "results": {f"{w} | {s}": r.runs for (w, s), r in results.items()}}  # fmt: skip
        args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    if not args.no_write:
        reporting.write_section("http_bench.py", section)
        print(f"wrote the HTTP section of {reporting.RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
