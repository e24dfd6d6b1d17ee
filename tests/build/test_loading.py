"""The scalable build: batches across processes, an incremental cache, same result as serial."""

from __future__ import annotations

import pytest

from kg.build.pipeline import build, validate_only
from kg.errors import ValidationFailed
from tests.projects import add_articles, quads, settings_for

ARTICLES = 30


@pytest.fixture
def corpus(mini_project):
    add_articles(mini_project, ARTICLES)
    return mini_project


def test_rebuild_revalidates_only_what_changed(corpus):
    settings = settings_for(corpus, workers=1)
    first = build(settings, progress=False)
    assert first.report.checked["articles validated"] == ARTICLES + 1

    again = build(settings, progress=False)
    assert again.report.checked["articles validated"] == 0
    assert again.report.checked["articles unchanged since the last build"] == ARTICLES + 1

    graph = corpus / "data/articles/copy-0007/graph.ttl"
    graph.write_text(graph.read_text() + '\nart:claim-1 rdfs:comment "edited" .\n')
    changed = build(settings, progress=False)
    assert changed.report.checked["articles validated"] == 1


def test_changing_the_shapes_revalidates_everything(corpus):
    settings = settings_for(corpus, workers=1)
    build(settings, progress=False)
    shapes = corpus / "shapes/mini-shapes.ttl"
    shapes.write_text(shapes.read_text() + "\n# a comment changes the shapes' hash\n")
    assert build(settings, progress=False).report.checked["articles validated"] == ARTICLES + 1


def test_parallel_build_gives_the_same_store_as_serial(corpus, tmp_path):
    serial = settings_for(corpus, workers=1, store=tmp_path / "serial")
    parallel = settings_for(corpus, workers=2, store=tmp_path / "parallel")
    build(serial, progress=False)
    build(parallel, progress=False)
    assert quads(serial) == quads(parallel)
    assert len(quads(serial)) > 20 * ARTICLES  # every article is in both


def test_a_failing_article_is_reported_with_its_file_and_not_cached(corpus):
    bad = corpus / "data/articles/copy-0003/graph.ttl"
    bad.write_text(bad.read_text().replace("kgo:evidence art:s1", "kgo:evidence art:s99"))
    settings = settings_for(corpus, workers=2)
    with pytest.raises(ValidationFailed) as caught:
        build(settings, progress=False)
    problems = caught.value.report.problems
    assert [str(p.location).split(":")[0] for p in problems] == [
        "data/articles/copy-0003/graph.ttl"
    ]
    assert problems[0].graph == "https://mini.example.org/id/article/copy-0003"
    report = validate_only(settings)  # still found: a failing article is never cached
    assert not report.conforms
