"""One mistake, one message, at the line that makes it (``kg.build.causes``).

A second article that uses the seed article's unnamed source is the case: the reuse
rule, and every rule the reuse sets off, used to point at the seed article (the
innocent one, where the source is described) with SPARQL variable names for values.
"""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from tests.conftest import run_kg
from tests.projects import SEED_ARTICLE, seed_project

FOREIGN = (
    "https://kg.example.org/id/article/china-fentanyl-tariffs/source/people-familiar-with-the-issue"
)
SECOND = "data/articles/second-story/graph.ttl"
HEAD = """\
@prefix kgo:          <https://kg.example.org/ontology/> .
@prefix stance:       <https://kg.example.org/ontology/stance/> .
@prefix article:      <https://kg.example.org/id/article/> .
@prefix art:          <https://kg.example.org/id/article/second-story/> .
@prefix st:           <https://kg.example.org/id/article/second-story/statement/> .
@prefix organization: <https://kg.example.org/id/organization/> .
@prefix rdfs:         <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:          <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms:      <http://purl.org/dc/terms/> .

article:second-story
    a kgo:NewsArticle ;
    rdfs:label "Second story"@en ;
    dcterms:title "Second story"@en ;
    dcterms:publisher organization:bloomberg-news ;
    dcterms:creator organization:bloomberg-news ;
    dcterms:issued "2025-03-14"^^xsd:date .

st:talks-stalled
    a kgo:Statement ;
    rdfs:label "Talks stalled"@en ;
    kgo:speaker <{FOREIGN}> ;
    kgo:stance stance:assert ;
    kgo:claim "Talks stalled."@en ;
    kgo:evidence art:s1 ;
    kgo:inArticle article:second-story ;
    kgo:accordingTo article:second-story .
""".replace("{FOREIGN}", FOREIGN)
# a curator who copied the seed's graph.ttl kept its src: prefix and described "their"
# source under the seed article's IRI
REDESCRIBED = f"""
<{FOREIGN}>
    a kgo:UnnamedSource ;
    rdfs:label "people familiar with the issue (unnamed)"@en ;
    kgo:text "People familiar with the issue" ;
    kgo:grammaticalNumber "plural" ;
    kgo:evidence art:s1 ;
    kgo:inArticle article:second-story ;
    kgo:accordingTo article:second-story .
"""
TEXT = "People familiar with the issue said talks stalled. Officials declined to comment.\n"


def second_article(project, graph: str):
    folder = project / "data/articles/second-story"
    folder.mkdir()
    (folder / "text.txt").write_text(TEXT, encoding="utf-8")
    (folder / "graph.ttl").write_text(graph, encoding="utf-8")
    return project


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def reused(tmp_path):
    return second_article(seed_project(tmp_path / "project"), HEAD)


@pytest.fixture
def redescribed(tmp_path):
    return second_article(seed_project(tmp_path / "project"), HEAD + REDESCRIBED)


def test_a_reused_unnamed_source_is_reported_where_the_second_article_uses_it(reused):
    result = run_kg("validate", cwd=reused)
    assert result.returncode == 1
    line = line_of(HEAD, "kgo:speaker <")
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{SECOND}:{line}:17: violation: An unnamed source belongs to one")
    assert f"{SEED_ARTICLE}/graph.ttl" not in result.stdout  # not the innocent article
    assert "    graph:      <https://kg.example.org/id/article/second-story>" in result.stdout
    built = run_kg("build", cwd=reused)
    assert built.returncode == 1 and built.stderr.startswith(f"{SECOND}:{line}:17: violation:")


def test_messages_show_values_by_name_never_as_sparql_variables(redescribed):
    text = run_kg("validate", cwd=redescribed).stdout
    assert not re.search(r"\?\w+=", text), text
    assert "    sentence:   <https://kg.example.org/id/article/china-fentanyl-tariffs/s7>" in text
    assert "    chain ends at: <https://kg.example.org/id/article/second-story>" in text
    body = json.loads(run_kg("validate", "--format", "json", cwd=redescribed).stdout)
    results = [body["results"][0], *body["results"][0]["consequences"]]
    assert all(not r.get("value", "").startswith("?") for r in results)
    assert {"sentence": "<https://kg.example.org/id/article/second-story/s1>"} in [
        r.get("values") for r in results
    ]


def test_one_mistake_is_one_primary_message_with_its_consequences_under_it(redescribed):
    text = run_kg("validate", cwd=redescribed)
    assert text.returncode == 1
    primaries = [line for line in text.stdout.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert len(primaries) == 1, text.stdout
    assert (
        primaries[0].startswith(f"{SECOND}:") and "An unnamed source belongs to one" in primaries[0]
    )
    assert "    consequences of this mistake (" in text.stdout
    indented = re.findall(r"^      (\S+):\d+:\d+: violation: ", text.stdout, flags=re.M)
    assert len(indented) >= 5 and set(indented) == {SECOND}  # all where the copy wrote them
    count_line = line_of(HEAD + REDESCRIBED, 'kgo:text "People')  # the second kgo:text
    assert (
        f"      {SECOND}:{count_line}:5: violation: An unnamed source needs exactly one kgo:text"
        in (text.stdout)
    )
    assert "1 violation(s), 0 other result(s), " in text.stdout

    body = json.loads(run_kg("validate", "--format", "json", cwd=redescribed).stdout)
    assert body["conforms"] is False and len(body["results"]) == 1
    primary = body["results"][0]
    assert primary["shape"] == "sparql/unnamed-source-reused-violation.rq"
    assert primary["location"].startswith(SECOND) and primary["graph"].endswith("/second-story")
    assert len(primary["consequences"]) == len(indented)

    turtle = run_kg("validate", "--format", "turtle", cwd=redescribed).stdout
    report = Graph().parse(data=turtle, format="turtle")
    (result,) = report.objects(None, SH.result)
    assert len(list(report.objects(result, SH.detail))) == len(indented)
    assert (None, SH.conforms, None) in report
    assert all((d, SH.focusNode, None) in report for d in report.objects(result, SH.detail))


def test_an_evidence_sentence_of_another_article_is_reported_where_it_is_cited(tmp_path):
    cited = "<https://kg.example.org/id/article/china-fentanyl-tariffs/s7>"
    graph = HEAD.replace(f"<{FOREIGN}>", "organization:bloomberg-news").replace(
        "kgo:evidence art:s1 ;", f"kgo:evidence {cited} ;"
    )
    project = second_article(seed_project(tmp_path / "project"), graph)
    result = run_kg("validate", cwd=project)
    assert result.returncode == 1
    line = line_of(graph, f"kgo:evidence {cited}")
    assert result.stdout.startswith(f"{SECOND}:{line}:18: violation: Every kgo:evidence sentence")
    assert f"    sentence:   {cited}" in result.stdout


def test_an_iri_no_graph_describes_is_reported_where_it_is_written(tmp_path):
    typo = FOREIGN + "s"  # a source the seed article does not have
    project = second_article(seed_project(tmp_path / "project"), HEAD.replace(FOREIGN, typo))
    result = run_kg("validate", cwd=project)
    line = line_of(HEAD, "kgo:speaker <")
    assert result.stdout.startswith(f"{SECOND}:{line}:17: violation: A statement needs exactly")
    assert f"    value:      <{typo}>" in result.stdout


def test_a_gate_without_a_path_is_reported_at_the_line_of_the_value_it_names(tmp_path):
    """A stored query's row names the focus and the offending value: the line is the
    triple's (the speaker's), not the line that starts the statement's description."""
    graph = HEAD.replace(f"<{FOREIGN}>", "<https://kg.example.org/id/country/china>")
    project = second_article(seed_project(tmp_path / "project"), graph)
    result = run_kg("validate", cwd=project)
    assert result.returncode == 1
    line = line_of(graph, "kgo:speaker <")
    assert result.stdout.startswith(f"{SECOND}:{line}:17: violation: A statement needs exactly")
