"""Faults: `kg build` and `kg dump` killed with SIGKILL, a build swapped in while queries
run, a server killed and restarted. A real `kg serve` runs throughout.

tests/build/test_pipeline.py::test_killed_build_leaves_the_previous_store_served checks the
store in-process after one kill; here the kills land at several points (while
loading, validating, dumping), and the dumps and the running server are checked too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.errors import EXIT_OK
from kg.store.builds import builds_dir
from tests.conftest import KG, REPO, eventually, run_kg, start_server, stop_server
from tests.security.served import COUNT, JSON, Served, count_of, leftovers, published

ARTICLES = 200  # a corpus whose build takes seconds and whose dump takes about two
FIRST = "data/articles/first-article/graph.ttl"
PAGE = "/id/article/first-article.ttl"
REVISION = '\n<https://mini.example.org/id/article/first-article> rdfs:comment "revised" .\n'


def kg_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KG_")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A generated corpus, built and dumped by `kg build`, served for the whole module."""
    project = tmp_path_factory.mktemp("faults") / "corpus"
    generate = [sys.executable, REPO / "bench/generate.py", "--articles", str(ARTICLES)]
    subprocess.run([*generate, "--out", project], check=True, capture_output=True)
    built = run_kg("build", cwd=project, timeout=600)
    assert built.returncode == EXIT_OK, built.stderr
    server = start_server(project)
    yield Served(project, server)
    stop_server(server)


@pytest.fixture
def mini(mini_project: Path) -> Iterator[Served]:
    built = run_kg("build", cwd=mini_project)
    assert built.returncode == EXIT_OK, built.stderr
    served = Served(mini_project, start_server(mini_project))
    yield served
    stop_server(served.server)  # the one running at the end: a test may restart it


def start_midway(command: str, project: Path, link: Path) -> subprocess.Popen[bytes]:
    """Start `kg COMMAND` and return once it has made a new build directory under
    ``link``'s builds: from then on it is writing a new generation.

    A build is made to start from nothing (the ontology gains a comment), not from the
    checkpoint of the last store, so that it loads, validates and dumps everything."""
    if command == "build":
        with next((project / "ontology").glob("*.ttl")).open("a") as ontology:
            ontology.write(f"\n# rebuild {time.monotonic()}\n")
    builds = builds_dir(link)
    before = set(builds.iterdir())
    process = subprocess.Popen([*KG, command], cwd=project, env=kg_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not set(builds.iterdir()) - before:
        assert process.poll() is None and time.monotonic() < deadline, "it never started"
        time.sleep(0.01)
    return process


def kill_midway(command: str, project: Path, link: Path, delay: float) -> None:
    """Let `kg COMMAND` work ``delay`` seconds into its new build, then SIGKILL it (it
    must not be done by then)."""
    process = start_midway(command, project, link)
    time.sleep(delay)
    process.kill()
    assert process.wait() == -9, "it finished before it was killed: shorten the delay"


@pytest.fixture(scope="module")
def dump_seconds(corpus: Served) -> float:
    """How long `kg dump` works on its new directory here, every graph's part made afresh:
    kills land at fractions of it, so they land midway on a fast machine as on a slow one."""
    forget_parts(corpus)
    process = start_midway("dump", corpus.project, corpus.dist)
    started = time.monotonic()
    assert process.wait(timeout=600) == EXIT_OK
    return time.monotonic() - started


def forget_parts(corpus: Served) -> None:
    """Drop the parts a dump keeps, so the next one makes every part again (and takes as
    long as ``dump_seconds``), rather than joining kept parts in a moment."""
    shutil.rmtree(corpus.store.with_name(corpus.store.name + ".parts"), ignore_errors=True)


def assert_still_served(corpus: Served, count: int) -> None:
    """Whatever the links point at is complete, served, and the dumps match their sums."""
    store = published(corpus.store)
    published(corpus.dist)
    version = json.loads((store / "build.json").read_text())["version"]
    assert eventually(corpus.version, version) == version
    assert corpus.count() == count
    corpus.assert_dumps_intact()


# kills while loading and validating (timed from the new store directory) and while
# dumping (the moment the new dumps directory appears, after the store was swapped)
@pytest.mark.parametrize("delay", [0.0, 0.5, 1.0])
def test_killed_build_leaves_a_complete_store_and_dumps_served(corpus, delay):
    count = corpus.count()
    kill_midway("build", corpus.project, corpus.store, delay)
    assert_still_served(corpus, count)


def test_build_killed_while_dumping_leaves_the_previous_dumps_served(corpus):
    dumps = published(corpus.dist)
    kill_midway("build", corpus.project, corpus.dist, 0.0)
    assert published(corpus.dist) == dumps
    corpus.assert_dumps_intact()


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.6])
def test_killed_dump_leaves_the_previous_dumps_served(corpus, dump_seconds, fraction):
    dumps = published(corpus.dist)
    count = corpus.count()
    forget_parts(corpus)
    kill_midway("dump", corpus.project, corpus.dist, fraction * dump_seconds)
    assert published(corpus.dist) == dumps
    assert_still_served(corpus, count)


def test_the_next_build_succeeds_and_removes_what_killed_ones_left(corpus):
    kill_midway("build", corpus.project, corpus.store, 0.2)
    kill_midway("dump", corpus.project, corpus.dist, 0.0)
    assert leftovers(corpus.store) and leftovers(corpus.dist)
    count = corpus.count()
    rebuilt = run_kg("build", cwd=corpus.project, timeout=600)
    assert rebuilt.returncode == EXIT_OK, rebuilt.stderr
    for link in (corpus.store, corpus.dist):  # only the previous generation is kept
        assert len(leftovers(link)) == 1 and all(
            (p / ".complete").exists() for p in leftovers(link)
        )
    assert_still_served(corpus, count)


def test_a_server_started_after_a_killed_build_serves_the_previous_store(corpus):
    version, count = corpus.version(), corpus.count()
    store = published(corpus.store)
    kill_midway("build", corpus.project, corpus.store, 0.3)
    assert published(corpus.store) == store
    server = start_server(corpus.project)
    try:
        late = Served(corpus.project, server)
        assert (late.version(), late.count()) == (version, count)
    finally:
        stop_server(server)


def hammer(served: Served, stop: threading.Event, seen: list[object]) -> None:
    """Query the count and fetch a page until told to stop; record every answer."""
    with served.server.client() as http:
        while not stop.is_set():
            try:
                answer = http.get("/sparql", params={"query": COUNT}, headers=JSON)
                seen.append(count_of(answer))
                page = http.get(PAGE)
                seen.append(("page", page.status_code, "revised" in page.text))
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                seen.append(exc)


def test_a_rebuild_swaps_the_dataset_atomically_under_queries(mini):
    graph = mini.project / FIRST
    original = graph.read_text(encoding="utf-8")
    before = mini.count()
    stop, seen = threading.Event(), []
    client = threading.Thread(target=hammer, args=(mini, stop, seen))
    client.start()
    try:
        for revised in (True, False, True):  # three builds: one generation is deleted
            graph.write_text(original + REVISION if revised else original, encoding="utf-8")
            started = len(seen)
            rebuilt = run_kg("build", cwd=mini.project)
            assert rebuilt.returncode == EXIT_OK, rebuilt.stderr
            assert eventually(mini.count, before + revised) == before + revised
            assert len(seen) > started + 4, "the client was not querying during the build"
    finally:
        stop.set()
        client.join()
    counts = [s for s in seen if isinstance(s, int)]
    assert set(counts) == {before, before + 1}, [s for s in seen if not isinstance(s, tuple)]
    pages = [s for s in seen if isinstance(s, tuple)]
    assert {status for _, status, _ in pages} == {200}
    assert {revised for _, _, revised in pages} == {True, False}


def test_a_killed_server_restarts_on_the_same_store_with_the_same_answers(mini):
    with mini.server.client() as http:
        page = http.get(PAGE).text
    version, count = mini.version(), mini.count()
    mini.server.process.kill()
    mini.server.process.wait()
    mini.server = start_server(mini.project)
    assert (mini.version(), mini.count()) == (version, count)
    with mini.server.client() as http:
        assert http.get(PAGE).text == page
