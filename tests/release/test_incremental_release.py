"""An incremental release is byte for byte a full one: after every kind of change, the
store's content, every file of dist/ and SHA256SUMS equal those of a build from nothing
of the same sources, with the same SOURCE_DATE_EPOCH; and only changed graphs' parts
are made again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.pipeline import build
from kg.config import Settings
from kg.release.dumps import DumpResult, write_dumps
from kg.store import open_store
from tests.projects import dumped_project, seed_project
from tests.release.lifecycle import correct, retract_story

SEED = "china-fentanyl-tariffs"
ARTICLES = Path("data/articles")
SOURCES = ("kg.toml", "ontology", "shapes", "sparql", "data")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed project with a second story (a copy of the seed's), released once."""
    return two_stories(tmp_path, monkeypatch)


def two_stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741737600")
    root = seed_project(tmp_path / "project")
    copy_article(root, SEED, "second-story")
    release(root)
    return root


def copy_article(root: Path, slug: str, new: str) -> None:
    """Another article: the seed's files with its slug (and so its IRIs) changed."""
    source, target = root / ARTICLES / slug, root / ARTICLES / new
    target.mkdir()
    for path in source.iterdir():
        target.joinpath(path.name).write_text(
            path.read_text(encoding="utf-8").replace(slug, new), encoding="utf-8"
        )


def release(root: Path) -> DumpResult:
    """What `kg build` does: build (from the last store when it can), then dump."""
    settings = Settings.load(root, env={})
    build(settings, progress=False)
    return write_dumps(settings)


def outcome(root: Path) -> dict[str, bytes]:
    """Every file of dist/, and the store's content as canonical N-Quads."""
    settings = Settings.load(root, env={})
    files = {p.name: p.read_bytes() for p in sorted(settings.dist.resolve().iterdir())
             if p.is_file() and not p.name.startswith(".")}  # fmt: skip
    dataset = ox.Dataset(open_store(settings).oxigraph.quads_for_pattern(None, None, None, None))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    files["(store)"] = "".join(sorted(f"{q} .\n" for q in dataset)).encode()
    return files


def from_nothing(root: Path, elsewhere: Path) -> dict[str, bytes]:
    """The same sources built and dumped in a fresh directory, with no store or parts."""
    elsewhere.mkdir()
    for name in SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, elsewhere / name)
        else:
            shutil.copy2(source, elsewhere / name)
    result = release(elsewhere)
    assert result.reused == 0
    return outcome(elsewhere)


def edit_label(root: Path) -> None:
    graph = root / ARTICLES / "second-story/graph.ttl"
    text = graph.read_text(encoding="utf-8")
    graph.write_text(text.replace("China condemns Trump's tariffs", "China denounces the tariffs"),
                     encoding="utf-8")  # fmt: skip


def add(root: Path) -> None:
    copy_article(root, SEED, "third-story")


def delete(root: Path) -> None:
    """The newest copy: the third story when there is one."""
    third = root / ARTICLES / "third-story"
    shutil.rmtree(third if third.exists() else root / ARTICLES / "second-story")


def rename(root: Path) -> None:
    copy_article(root, "second-story", "renamed-story")
    shutil.rmtree(root / ARTICLES / "second-story")


def change_entities(root: Path) -> None:
    entities = root / "data/entities.ttl"
    text = entities.read_text(encoding="utf-8")
    entities.write_text(text.replace('"Donald Trump"@en', '"Donald J. Trump"@en', 1),
                        encoding="utf-8")  # fmt: skip


CHANGES = {"edit": edit_label, "add": add, "delete": delete, "rename": rename,
           "entities": change_entities, "correct": correct, "retract": retract_story}  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_after_a_change_the_release_equals_a_build_from_nothing(
    project: Path, tmp_path: Path, change: str
):
    CHANGES[change](project)
    result = release(project)
    incremental = outcome(project)
    full = from_nothing(project, tmp_path / "from-nothing")
    assert incremental.keys() == full.keys()
    differ = [name for name, content in full.items() if incremental[name] != content]
    assert not differ, f"{differ} differ after {change}"
    if change in ("edit", "add"):
        assert result.reused == result_graphs(project) - 1  # only the changed graph's part
    elif change == "delete":
        assert result.reused == result_graphs(project)


def test_changes_one_after_another_stay_equal_to_a_build_from_nothing(
    project: Path, tmp_path: Path
):
    for number, change in enumerate((edit_label, add, rename, change_entities, delete)):
        change(project)
        release(project)
        assert outcome(project) == from_nothing(project, tmp_path / f"full-{number}")


def test_a_deleted_article_stays_deleted_in_the_builds_after(project: Path, tmp_path: Path):
    """A build starts from a copy of the last store: what it removed must be on disk."""
    for change in (add, delete, edit_label):
        change(project)
        release(project)
    graphs = {g.value for g in open_store(Settings.load(project, env={})).oxigraph.named_graphs()}
    assert "https://kg.example.org/id/article/third-story" not in graphs
    assert outcome(project) == from_nothing(project, tmp_path / "from-nothing")


def result_graphs(root: Path) -> int:
    return len(list(open_store(Settings.load(root, env={})).oxigraph.named_graphs()))


def test_a_subject_two_graphs_describe_is_merged_alike(tmp_path: Path, monkeypatch):
    """Atlantis is described by the entities and by the edge-case article: the union files
    write it once, with both graphs' statements, whichever graph changed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741737600")
    root = tmp_path / "mini"
    dumped_project(root)
    graph = root / ARTICLES / "edge-cases/graph.ttl"
    graph.write_text(graph.read_text(encoding="utf-8").replace(
        'rdfs:label "Atlantis"@en .', 'rdfs:label "Atlantis"@en ; rdfs:comment "Sunk."@en .'
    ), encoding="utf-8")  # fmt: skip
    assert release(root).reused == result_graphs(root) - 1
    incremental = outcome(root)
    assert incremental == from_nothing(root, tmp_path / "from-nothing")
    turtle = incremental["dataset.ttl"].decode()
    block = turtle.split("\n<https://mini.example.org/id/country/atlantis>\n", 1)[1]
    assert turtle.count("\n<https://mini.example.org/id/country/atlantis>\n") == 1
    assert '"Sunk."@en' in block.split("\n\n", 1)[0]  # with the entities' statements
