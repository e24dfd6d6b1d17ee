"""Hostile project files: `kg build` refuses each with the file, the line where there is
one, what is wrong and how to fix it; exit 1, memory bounded, no crash, and the store
built before is still the one served.

What pyoxigraph 0.5 does unguarded (docs/limits.md): it expands XML entities (a
1 KB "billion laughs" RDF/XML asks for 2.4 GB and aborts the process), refuses
SYSTEM entities, refuses a token over 16 MiB with a MemoryError, refuses JSON-LD
nested past 65,536 levels, and parses 100,000 nested Turtle brackets in 75 MB;
it is the dumps' blank node canonicalization that long chains make slow.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.errors import EXIT_INVALID_DATA, EXIT_OK
from kg.project.sources import MAX_NESTING, PARSER_TOKEN_BYTES, nesting_depth
from tests.conftest import FIXTURES, KG, start_server, stop_server
from tests.security.served import Served

ADDRESS_SPACE = 2 * 2**30  # a safety net: a runaway parse fails instead of swapping
PEAK_RSS_MB = 512
HOSTILE = Path("data/articles/hostile")
PREFIXES = """\
@prefix kgo: <https://mini.example.org/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <https://mini.example.org/id/article/hostile/> .
<https://mini.example.org/id/article/hostile> a kgo:Article ; rdfs:label "Hostile" .
"""


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float


def run_measured(*args: str, cwd: Path, env: dict[str, str] | None = None,
                 timeout: float = 120) -> Run:  # fmt: skip
    """Run `kg` with its address space capped; its peak RSS (children included) from wait4."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")} | (env or {})
    out, err = cwd.parent / "stdout.txt", cwd.parent / "stderr.txt"

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([*KG, *args], cwd=cwd, env=full_env, stdout=stdout,
                                   stderr=stderr, preexec_fn=cap)  # fmt: skip
    deadline = time.monotonic() + timeout
    while (waited := os.wait4(process.pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            process.kill()
            waited = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    _, status, usage = waited
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(process.returncode, out.read_text(), err.read_text(), usage.ru_maxrss / 1024)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The mini project, built by `kg build` and served for the whole module."""
    project = tmp_path_factory.mktemp("inputs") / "mini"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns(".kg"))
    assert run_measured("build", cwd=project).returncode == EXIT_OK
    server = start_server(project)
    yield Served(project, server)
    stop_server(server)


@pytest.fixture
def hostile(served: Served) -> Iterator[Path]:
    """An extra article folder to write a hostile graph into; removed afterwards."""
    folder = served.project / HOSTILE
    folder.mkdir(parents=True)
    (folder / "text.txt").write_text("A hostile article. It has two sentences.\n")
    yield folder
    shutil.rmtree(folder)


def billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return rdf_xml("<!DOCTYPE rdf:RDF [" + "".join(entities) + "]>", "&lol9;")


def rdf_xml(doctype: str, value: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://ex.org/">\n<rdf:Description rdf:about="http://ex.org/a">'
        f"<ex:p>{value}</ex:p></rdf:Description>\n</rdf:RDF>\n"
    )


def nested(opening: str, closing: str, levels: int = 100_000) -> str:
    return PREFIXES + ":x rdfs:comment " + opening * levels + '"b"' + closing * levels + " .\n"


def deep_json_ld(levels: int = 100_000) -> str:
    inner = '{"http://ex.org/p": ' * levels + '"x"' + "}" * levels
    return '{"@id": "http://ex.org/a", "http://ex.org/p": ' + inner + "}"


HOSTILE_GRAPHS = {
    "billion laughs RDF/XML": (billion_laughs(), ":1:1: syntax error: this is RDF/XML"),
    "external entity RDF/XML": (
        rdf_xml('<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        ":1:1: syntax error: this is RDF/XML",
    ),
    "nested blank nodes": (
        nested("[ rdfs:comment ", " ]"),
        f":5:{17 + MAX_NESTING * 15}: brackets nest more than {MAX_NESTING} levels deep",
    ),
    "nested collections": (
        nested("( ", " )"),
        f":5:{17 + MAX_NESTING * 2}: brackets nest more than {MAX_NESTING} levels deep",
    ),
    "deep JSON-LD": (deep_json_ld(), ":1:1: syntax error: this is JSON-LD"),
    "a flat chain of blank nodes": (
        PREFIXES + "".join(f"_:b{i} rdfs:seeAlso _:b{i + 1} .\n" for i in range(500)),
        ": 501 blank nodes refer to one another",
    ),
    "a long list": (
        PREFIXES + ":x rdfs:comment (" + ' "same"' * 500 + " ) .\n",
        ": 500 blank nodes refer to one another",
    ),
}


def assert_refused(run: Run, served: Served, count_before: int, *expected: str) -> None:
    """Exit 1 with the file, the problem and a hint; bounded memory; the old store served."""
    assert run.returncode == EXIT_INVALID_DATA, (run.returncode, run.stderr[-2000:])
    assert f"kg: error: {HOSTILE}/" in run.stderr, run.stderr
    for text in expected:
        assert text in run.stderr, run.stderr
    assert "hint:" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert "root:x:0:0" not in run.stdout + run.stderr
    assert run.peak_rss_mb < PEAK_RSS_MB, run.peak_rss_mb
    assert served.count() == count_before


@pytest.mark.parametrize("name", HOSTILE_GRAPHS)
def test_hostile_graph_is_refused_and_the_store_stays(served, hostile, name):
    content, expected = HOSTILE_GRAPHS[name]
    (hostile / "graph.ttl").write_text(content, encoding="utf-8")
    before = served.count()
    run = run_measured("build", cwd=served.project)
    assert_refused(run, served, before, f"{HOSTILE}/graph.ttl{expected}")


def test_other_formats_beside_graph_ttl_are_never_parsed(served, hostile):
    """Only graph.ttl is read: a bomb beside it costs nothing (and the build succeeds)."""
    (hostile / "graph.ttl").write_text(PREFIXES, encoding="utf-8")
    (hostile / "graph.rdf").write_text(billion_laughs(), encoding="utf-8")
    (hostile / "graph.jsonld").write_text(deep_json_ld(), encoding="utf-8")
    run = run_measured("build", cwd=served.project)
    assert run.returncode == EXIT_OK, run.stderr
    assert run.peak_rss_mb < PEAK_RSS_MB


def huge_literal(path: Path, size: int) -> None:
    """A Turtle file of ``size`` bytes, nearly all one literal (sparse: no disk written)."""
    head, tail = (PREFIXES + ':x rdfs:comment "').encode(), b'" .\n'
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size - len(tail))
        file.seek(0, os.SEEK_END)
        file.write(tail)


def test_a_200_mb_literal_is_refused_before_it_is_read(served, hostile):
    huge_literal(hostile / "graph.ttl", 200_000_000)
    before = served.count()
    run = run_measured("build", cwd=served.project)
    assert_refused(run, served, before, "graph.ttl: 200,000,000 bytes, more than the 8,000,000",
                   "max_source")  # fmt: skip


def test_the_file_size_limit_is_a_setting(served, hostile):
    (hostile / "graph.ttl").write_text(PREFIXES + "#" * (5001 - len(PREFIXES)), encoding="utf-8")
    before = served.count()
    run = run_measured("build", cwd=served.project, env={"KG_MAX_SOURCE": "5000"})
    assert_refused(run, served, before, "graph.ttl: 5,001 bytes, more than the 5,000")


def test_a_source_text_over_the_limit_is_refused(served, hostile):
    (hostile / "graph.ttl").write_text(PREFIXES, encoding="utf-8")
    (hostile / "text.txt").write_text("Long. " * 1000, encoding="utf-8")
    before = served.count()
    run = run_measured("build", cwd=served.project, env={"KG_MAX_SOURCE": "5000"})
    assert_refused(run, served, before, "text.txt: 6,000 bytes, more than the 5,000")


def test_token_over_the_parser_limit_is_a_syntax_error_not_a_crash(served, hostile):
    """Regression: pyoxigraph's MemoryError for a 16 MiB+ literal escaped as an internal
    error (exit 70); it is the curator's to fix, with the line of the literal."""
    huge_literal(hostile / "graph.ttl", PARSER_TOKEN_BYTES + 1_000_000)
    before = served.count()
    run = run_measured("build", cwd=served.project, env={"KG_MAX_SOURCE": "0"})
    assert_refused(run, served, before, "graph.ttl:5:17: syntax error: a literal or IRI longer "
                   "than 16 MiB")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b":a :p [ :q ( 1 2 [ :r 3 ] ) ] .", 3),
        (b":a :p \"[[[[\" , '((' , \"\"\"[\n[\"\"\" , '''(((''' .", 0),
        (b":a :p <http://ex.org/[(> . # [[[[ ((((\n", 0),
        (b':a :p "\\"[" , [ :q "\\\\" ] .', 1),
        (b":s :p :a\\#b , [ :q 1 ] .", 1),  # an escaped # in a name starts no comment
    ],
)
def test_nesting_ignores_brackets_in_strings_comments_and_iris(text, depth):
    assert nesting_depth(text) == depth


def test_nesting_at_the_limit_is_accepted(served, hostile):
    (hostile / "graph.ttl").write_text(nested("[ rdfs:comment ", " ]", MAX_NESTING))
    run = run_measured("build", cwd=served.project)
    assert run.returncode == EXIT_OK, run.stderr
