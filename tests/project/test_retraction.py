"""`kg article retract`: the retraction recorded in the project's files, then
published by the next `kg build` as a minimal tombstone graph; or nothing at all."""

from __future__ import annotations

import pytest

from tests.conftest import run_kg
from tests.projects import seed_project
from tests.release.test_incremental_release import SEED as SEED_ARTICLE

REASON = "The publisher withdrew the story."


@pytest.fixture
def project(tmp_path):
    return seed_project(tmp_path / "project")


def test_a_retraction_builds_into_a_graph_of_what_names_the_article(project):
    done = run_kg("article", "retract", SEED_ARTICLE, "--reason", REASON, "--date", "2025-04-02",
                  cwd=project)  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = project / "data/articles" / SEED_ARTICLE / "retraction.ttl"
    assert str(written) in done.stdout and "kg build" in done.stdout
    built = run_kg("build", cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    graph = f"https://kg.example.org/id/article/{SEED_ARTICLE}"
    rows = run_kg("query", "--format", "csv", f"SELECT ?s ?p WHERE {{ GRAPH <{graph}> "
                  "{ ?s ?p ?o } } ORDER BY ?s ?p", cwd=project).stdout  # fmt: skip
    subjects = {line.split(",")[0] for line in rows.splitlines()[1:]}
    assert subjects == {graph, f"{graph}/retraction"}  # no sentence, statement or mention left
    assert "http://purl.org/dc/terms/title" in rows and "ontology/reason" in rows


@pytest.mark.parametrize(
    ("args", "says"),
    [(("no-such-story", "--reason", REASON, "--date", "2025-04-02"), "no such article"),
     ((SEED_ARTICLE, "--reason", REASON, "--date", "2 April"), "not a date"),
     ((SEED_ARTICLE, "--reason", "  ", "--date", "2025-04-02"), "--reason is empty")],
)  # fmt: skip
def test_bad_input_writes_nothing_and_exits_2(project, args, says):
    done = run_kg("article", "retract", *args, cwd=project)
    assert done.returncode == 2 and says in done.stderr
    assert not list(project.glob("data/articles/*/retraction.ttl"))


def test_an_article_is_retracted_once(project):
    args = ("article", "retract", SEED_ARTICLE, "--reason", REASON, "--date", "2025-04-02")
    assert run_kg(*args, cwd=project).returncode == 0
    again = run_kg(*args, cwd=project)
    assert again.returncode == 2 and "already retracted" in again.stderr


def test_a_retraction_file_describing_other_things_is_refused_at_its_name(project):
    path = project / "data/articles" / SEED_ARTICLE / "retraction.ttl"
    path.write_text("<https://kg.example.org/id/country/china> "
                    "<http://www.w3.org/2000/01/rdf-schema#label> \"China\"@en .\n")  # fmt: skip
    built = run_kg("build", cwd=project)
    assert built.returncode == 1
    assert "retraction.ttl: describes <https://kg.example.org/id/country/china>" in built.stderr
