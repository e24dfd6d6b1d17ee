"""Rebuilds that start from the last build's store: same store as a full build, same gates."""

from __future__ import annotations

import pytest

from kg.build.pipeline import build
from kg.errors import ValidationFailed
from tests.projects import add_articles, quads, settings_for

ARTICLES = 12
BASE = "https://mini.example.org/id/article"
ATLANTIS = "https://mini.example.org/id/country/atlantis"


@pytest.fixture
def corpus(mini_project):
    add_articles(mini_project, ARTICLES)
    return mini_project


def test_rebuild_after_edits_gives_the_store_of_a_full_build(corpus, tmp_path):
    settings = settings_for(corpus, workers=1)
    build(settings, progress=False)
    edited = corpus / "data/articles/copy-0007/graph.ttl"
    edited.write_text(edited.read_text() + '\nart:claim-1 rdfs:comment "edited" .\n')
    for name in ("text.txt", "graph.ttl"):
        (corpus / "data/articles/copy-0003" / name).unlink()
    (corpus / "data/articles/copy-0003").rmdir()
    add_articles(corpus, 1, start=100)

    again = build(settings, progress=False)
    assert again.report.checked["articles validated"] == 2
    assert again.report.checked["articles unchanged since the last build"] == ARTICLES - 1
    full = settings_for(corpus, workers=1, store=tmp_path / "full")
    build(full, progress=False, full=True)
    assert quads(settings) == quads(full)
    assert not any("copy-0003" in q for q in quads(settings))


def test_a_change_that_breaks_an_unchanged_article_fails_the_rebuild(corpus):
    """The gates see the unchanged article whose claim names the changed one's speaker."""
    speaker = f"<{BASE}/copy-0001/speaker>"
    described = corpus / "data/articles/copy-0001/graph.ttl"
    described.write_text(described.read_text() + f'\n{speaker} rdfs:label "Someone" .\n')
    citing = corpus / "data/articles/copy-0002/graph.ttl"
    citing.write_text(citing.read_text().replace(f"<{ATLANTIS}>", speaker))
    settings = settings_for(corpus, workers=1)
    build(settings, progress=False)

    described.write_text(described.read_text().replace('rdfs:label "Someone"', 'rdfs:comment "x"'))
    with pytest.raises(ValidationFailed) as caught:
        build(settings, progress=False)
    assert [p.focus for p in caught.value.report.problems] == [speaker[1:-1]]
