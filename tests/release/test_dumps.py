"""Dumps: every file parses back (pyoxigraph and rdflib) to exactly what the store holds,
is byte-identical across builds, passes ``sha256sum -c``, and is replaced atomically."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.config import Settings
from kg.errors import EnvironmentProblem
from kg.release.dumps import parts_directory, write_dumps
from kg.release.files import BY_FILE_NAME, DUMP_FILES, SUPPORT
from kg.store import open_store
from kg.store.builds import builds_dir
from tests.conftest import run_kg
from tests.projects import dumped_project

MINI = "https://mini.example.org/"
ONTOLOGY_GRAPH, SHAPES_GRAPH = f"{MINI}ontology", f"{MINI}shapes"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dumped_project(tmp_path_factory.mktemp("dumps") / "mini")


def dist_files(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.dist.iterdir()) if p.is_file()}


# --- graph comparison ------------------------------------------------------------------


def canonical(quads: Iterable[ox.Quad]) -> set[str]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def assert_isomorphic(expected: Iterable[ox.Quad], actual: Iterable[ox.Quad], label: str) -> None:
    """Equal up to blank node labels (same RDFC-1.0 canonical form); else show the difference."""
    want, got = canonical(expected), canonical(actual)
    if want != got:
        missing = "\n    ".join(sorted(want - got)[:20])
        unexpected = "\n    ".join(sorted(got - want)[:20])
        pytest.fail(
            f"{label} is not isomorphic to the store:\n  missing ({len(want - got)}):\n"
            f"    {missing}\n  unexpected ({len(got - want)}):\n    {unexpected}"
        )


def store_quads(settings: Settings, graph: str | None = None) -> list[ox.Quad]:
    name = ox.NamedNode(graph) if graph else None
    return list(open_store(settings).oxigraph.quads_for_pattern(None, None, None, name))


def union(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The triples of all graphs merged, as default-graph quads."""
    return list({ox.Quad(q.subject, q.predicate, q.object) for q in quads})


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads"}


def parse_with_rdflib(path: Path) -> list[ox.Quad]:
    """rdflib's reading of a dump, handed to pyoxigraph as N-Quads for comparison."""
    extension = path.name.removesuffix(".gz").rsplit(".", 1)[1]
    dataset = rdflib.Dataset()
    dataset.parse(data=read(path), format=RDFLIB_FORMATS[extension])
    nquads = dataset.serialize(format="nquads", encoding="utf-8")
    default = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
    return [
        q if str(q.graph_name) != f"<{default}>" else ox.Quad(q.subject, q.predicate, q.object)
        for q in ox.parse(nquads, ox.RdfFormat.N_QUADS)
    ]


def expected_content(settings: Settings, name: str) -> list[ox.Quad]:
    if name.startswith("ontology"):
        return union(store_quads(settings, ONTOLOGY_GRAPH))
    if name.startswith("shapes"):
        return union(store_quads(settings, SHAPES_GRAPH))
    if BY_FILE_NAME[name].format.quads:
        return store_quads(settings)
    return union(store_quads(settings))


DATA_FILES = [f.name for f in DUMP_FILES if f.part != SUPPORT]


# --- the tests -------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_dump_parses_back_with_pyoxigraph_to_the_store(project, name):
    spec = BY_FILE_NAME[name]
    parsed = list(ox.parse(read(project.dist / name), spec.format.rdf))
    assert_isomorphic(expected_content(project, name), parsed, name)


@pytest.mark.parametrize("name", DATA_FILES)
def test_dump_parses_back_with_rdflib_to_the_store(project, name):
    parsed = parse_with_rdflib(project.dist / name)
    assert_isomorphic(expected_content(project, name), parsed, name)


def test_named_graphs_are_kept_in_the_quad_dumps(project):
    quads = ox.parse(read(project.dist / "dataset.nq.gz"), ox.RdfFormat.N_QUADS)
    articles = {f"{MINI}id/article/edge-cases", f"{MINI}id/article/first-article"}
    expected = {ONTOLOGY_GRAPH, SHAPES_GRAPH, f"{MINI}graph/entities", *articles}
    assert {q.graph_name.value for q in quads} == expected


def test_triples_are_unique_grouped_by_subject_and_sorted_within_it(project):
    lines = read(project.dist / "dataset.nt.gz").splitlines()
    assert len(lines) == len(set(lines))
    runs = [(subject, list(group)) for subject, group in
            groupby(lines, key=lambda line: line.split(b" ", 1)[0])]  # fmt: skip
    assert len(runs) == len({subject for subject, _ in runs}), "a subject in two places"
    assert all(group == sorted(group) for _, group in runs)
    atlantis = f"<{MINI}id/country/atlantis> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert sum(line.decode().startswith(atlantis) for line in lines) == 1  # in two graphs
    turtle = (project.dist / "dataset.ttl").read_text(encoding="utf-8")
    blocks = [b.split("\n", 1)[0] for b in turtle.split("\n\n")[1:]]
    assert len(blocks) == len(set(blocks)), "a subject appears in two blocks"
    subjects_in_order = [line.split(b" ", 1)[0] for line in lines]
    assert len(blocks) == len(dict.fromkeys(subjects_in_order))


def test_turtle_uses_the_project_prefixes_and_never_escapes_local_names(project):
    turtle = (project.dist / "dataset.ttl").read_text(encoding="utf-8")
    assert turtle.startswith("@prefix kgo: <https://mini.example.org/ontology/> .\n")
    assert "kgo:Country" in turtle and "\\/" not in turtle
    assert f"<{MINI}id/country/atlantis>" in turtle


def test_blank_nodes_get_canonical_labels_tagged_by_graph(project):
    turtle = (project.dist / "dataset.ttl").read_text(encoding="utf-8")
    labels = set(re.findall(r"_:(g[0-9a-f]{12})c14n\d+", turtle))
    assert len(labels) >= 2  # two graphs with blank nodes: labels that cannot meet
    assert "_:not-a-blank-node" in turtle  # text that looks like a blank node stays text


def test_jsonld_is_compacted_with_the_published_context(project):
    document = json.loads((project.dist / "dataset.jsonld").read_text(encoding="utf-8"))
    context = json.loads((project.dist / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    atlantis = next(n for n in document["@graph"] if n["@id"] == "kgid:country/atlantis")
    assert atlantis["@type"] == ["kgo:Country"]


def test_gzip_members_carry_no_name_and_no_time(project):
    for name in ("dataset.nt.gz", "dataset.nq.gz"):
        header = (project.dist / name).read_bytes()[:10]
        assert header[:2] == b"\x1f\x8b"
        assert not header[3] & 0x08, f"{name} records a file name"
        assert header[4:8] == b"\0\0\0\0", f"{name} records a modification time"


def test_sha256sum_check_passes(project):
    if not shutil.which("sha256sum"):
        pytest.skip("sha256sum is not installed")
    result = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=project.dist, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split(": ")[0] for line in result.stdout.splitlines()}
    assert listed == {f.name for f in DUMP_FILES} - {"SHA256SUMS"}


def test_two_builds_give_byte_identical_dumps(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741737600")
    first = dumped_project(tmp_path / "one")
    second = dumped_project(tmp_path / "two")
    raw_blank_labels = [
        sorted(str(q.subject) for q in store_quads(s) if isinstance(q.subject, ox.BlankNode))
        for s in (first, second)
    ]
    assert raw_blank_labels[0] != raw_blank_labels[1], "the stores should label blanks apart"
    assert dist_files(first).keys() == dist_files(second).keys()
    for name, content in dist_files(first).items():
        assert dist_files(second)[name] == content, f"{name} differs between builds"


def test_dumping_again_without_source_date_epoch_changes_nothing(project):
    before = dist_files(project)
    write_dumps(project)
    assert dist_files(project) == before


def test_kept_parts_give_the_same_bytes_as_parts_made_afresh(project):
    before = dist_files(project)
    assert write_dumps(project).reused == 5  # every graph's part kept
    shutil.rmtree(parts_directory(project))
    assert write_dumps(project).reused == 0
    assert dist_files(project) == before


def test_a_damaged_parts_database_is_made_again(project):
    before = dist_files(project)
    (parts_directory(project) / "parts.sqlite").write_bytes(b"not a database" * 100)
    assert write_dumps(project).reused == 0
    assert dist_files(project) == before


def test_a_failed_dump_leaves_the_previous_dist_intact(project, monkeypatch):
    before, served = dist_files(project), project.dist.resolve()
    generations = sorted(builds_dir(project.dist).iterdir())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kg.release.dumps.write_void", broken)
    with pytest.raises(OSError, match="disk full"):
        write_dumps(project)
    assert project.dist.resolve() == served
    assert dist_files(project) == before
    assert sorted(builds_dir(project.dist).iterdir()) == generations  # nothing left over


def test_dist_that_is_not_a_dump_link_is_refused(tmp_path):
    settings = dumped_project(tmp_path / "mini", edge_cases=False, dist="elsewhere")
    (settings.project / "plain").mkdir()
    plain = Settings.load(settings.project, env={}, overrides={"dist": "plain"})
    with pytest.raises(EnvironmentProblem):
        write_dumps(plain)


def test_kg_build_writes_the_dumps_and_kg_dump_rewrites_them(mini_project):
    built = run_kg("build", cwd=mini_project)
    assert built.returncode == 0, built.stderr
    assert "dumped" in built.stdout
    settings = Settings.load(mini_project, env={})
    first = settings.dist.resolve()
    dumped = run_kg("dump", "--project", mini_project)
    assert dumped.returncode == 0, dumped.stderr
    assert settings.dist.resolve() != first
    assert (settings.dist / "SHA256SUMS").is_file()


def test_kg_dump_without_a_store_says_to_build(mini_project):
    result = run_kg("dump", cwd=mini_project)
    assert result.returncode == 2
    assert "kg build" in result.stderr
