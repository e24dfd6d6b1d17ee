"""bench/generate.py: a synthetic corpus that kg accepts, the same bytes for the same seed,
about 180 triples per article, and every pattern of the seed article."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.project.text import split_sentences
from tests.conftest import REPO, run_kg

GENERATE = REPO / "bench" / "generate.py"
ARTICLES = 20
PROLOGUE = """\
PREFIX kgo: <https://kg.example.org/ontology/>
PREFIX stance: <https://kg.example.org/ontology/stance/>
PREFIX precision: <https://kg.example.org/ontology/precision/>
PREFIX basis: <https://kg.example.org/ontology/basis/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


def generate(out: Path, articles: int = ARTICLES, seed: int = 1) -> Path:
    command = [sys.executable, str(GENERATE), "--articles", str(articles), "--out", str(out),
               "--seed", str(seed)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    return out


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "corpus")


@pytest.fixture(scope="module")
def built(corpus: Path) -> Path:
    result = run_kg("build", "--project", corpus, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return corpus


def select(project: Path, query: str) -> list[dict[str, str]]:
    result = run_kg("query", "--project", project, "--format", "json", PROLOGUE + query)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def test_the_corpus_passes_the_shapes_and_the_violation_queries(corpus: Path) -> None:
    result = run_kg("validate", "--project", corpus, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_a_project_directory_with_the_repository_schema_and_queries(corpus: Path) -> None:
    for name in ("kg.toml", "ontology/kg.ttl", "shapes/kg-shapes.ttl", "sparql/timeline.rq"):
        assert (corpus / name).read_bytes() == (REPO / name).read_bytes()
    entities = (corpus / "data" / "entities.ttl").read_text(encoding="utf-8")
    assert entities.startswith((REPO / "data" / "entities.ttl").read_text(encoding="utf-8"))
    assert len(list((corpus / "data" / "articles").iterdir())) == ARTICLES


def test_same_seed_same_bytes_other_seed_other_bytes(corpus: Path, tmp_path: Path) -> None:
    assert files(generate(tmp_path / "again")) == files(corpus)
    assert files(generate(tmp_path / "other", seed=2)) != files(corpus)


def test_a_larger_corpus_extends_a_smaller_one(corpus: Path, tmp_path: Path) -> None:
    smaller = files(generate(tmp_path / "smaller", articles=8))
    larger = files(corpus)
    articles = {name for name in smaller if name.startswith("data/articles/")}
    assert len(articles) == 8 * 3  # text, graph and mentions of each
    assert all(smaller[name] == larger[name] for name in articles)


def test_a_second_run_into_the_same_directory_is_refused(corpus: Path) -> None:
    command = [sys.executable, str(GENERATE), "--articles", "1", "--out", str(corpus)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--force" in result.stderr


def test_every_paragraph_is_one_sentence_of_kg_splitter(corpus: Path) -> None:
    for text in (corpus / "data" / "articles").glob("*/text.txt"):
        content = text.read_text(encoding="utf-8")
        paragraphs = content.strip().split("\n\n")
        assert [s.text for s in split_sentences(content)] == paragraphs, text


def test_sentences_command_numbers_them(corpus: Path) -> None:
    slug = sorted(p.name for p in (corpus / "data" / "articles").iterdir())[0]
    result = run_kg("sentences", slug, "--project", corpus)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [f"s{n}" for n in range(1, len(lines) + 1)]


def test_about_180_triples_per_article(built: Path) -> None:
    """The curator's facts (about 100), the text layer, two mentions (17 triples each)
    and the types the ontology implies."""
    rows = select(built, """
        SELECT ?g (COUNT(*) AS ?n) WHERE {
          GRAPH ?g { ?s ?p ?o } ?g a kgo:NewsArticle .
        } GROUP BY ?g""")  # fmt: skip
    counts = [int(row["n"]) for row in rows]
    assert len(counts) == ARTICLES
    assert 160 <= sum(counts) / len(counts) <= 200
    assert min(counts) >= 130 and max(counts) <= 230


PATTERNS = {
    "an attribution chain of length 2 or more": """
        SELECT ?s WHERE {
          ?s a kgo:Statement ; kgo:accordingTo/kgo:accordingTo ?outer ; kgo:inArticle ?a .
          ?outer kgo:accordingTo ?a .
        }""",
    "a statement whose speaker is an unnamed source": """
        SELECT ?s WHERE { ?s kgo:speaker ?source . ?source a kgo:UnnamedSource }""",
    "an unnamed source with a reason for anonymity": """
        SELECT ?s WHERE { ?s a kgo:UnnamedSource ; kgo:anonymityReason ?why }""",
    "a singular and a plural unnamed source": """
        SELECT ?s WHERE {
          ?s kgo:grammaticalNumber "singular" . ?t kgo:grammaticalNumber "plural" .
        }""",
    "a quote made at a briefing": """
        SELECT ?s WHERE { ?s kgo:quotation ?q ; kgo:madeIn/kgo:eventType ?type }""",
    "a hedge": """SELECT ?s WHERE { ?s kgo:stance stance:qualify ; kgo:text "alleged" }""",
    "a rejection": """SELECT ?s WHERE { ?s kgo:stance stance:reject ; kgo:target ?t }""",
    "a policy with actor, target, instrument and justification": """
        SELECT ?p WHERE {
          ?p a kgo:TariffMeasure ; kgo:actor ?a ; kgo:target ?t ; kgo:instrument ?i ;
             kgo:justifiedBy ?j .
        }""",
    "a policy known through a statement": """
        SELECT ?p WHERE { ?p a kgo:DrugScheduling ; kgo:accordingTo/a kgo:Statement }""",
    "a document of each kind": """
        SELECT ?d WHERE { ?d a kgo:ExecutiveOrder . ?r a kgo:Report . ?w a kgo:WhitePaper }""",
    "an event": """SELECT ?e WHERE { ?e a kgo:Event ; kgo:eventType ?t ; kgo:actor ?a }""",
    "an enrichment with an external date": """
        SELECT ?e WHERE {
          ?e a kgo:Enrichment ; oa:hasTarget ?t ; kgo:date/kgo:basis basis:external .
        }""",
    "a credit line": """
        SELECT ?a WHERE { ?a a kgo:NewsArticle ; <https://schema.org/creditText> ?c }""",
}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_pattern_is_used(built: Path, pattern: str) -> None:
    assert select(built, PATTERNS[pattern] + " LIMIT 1"), pattern


def test_dates_of_every_precision_basis_and_property(built: Path) -> None:
    rows = select(built, """
        SELECT DISTINCT ?property ?precision ?basis WHERE {
          ?x ?property ?date . ?date kgo:precision ?precision ; kgo:basis ?basis .
        }""")  # fmt: skip
    ontology = "https://kg.example.org/ontology/"
    found = {(row["property"], row["precision"], row["basis"]) for row in rows}
    precisions = {precision for _, precision, _ in found}
    expected = ("day", "week", "month", "year", "decade", "bounded")
    assert precisions == {f"{ontology}precision/{p}" for p in expected}
    bases = {basis for _, _, basis in found}
    assert bases == {f"{ontology}basis/{b}"
                     for b in ("stated", "year-inferred", "relative", "external")}  # fmt: skip
    properties = {prop for prop, _, _ in found}
    assert properties == {f"{ontology}{p}" for p in ("date", "startDate", "validTime")}


def test_every_stored_query_has_an_answer(built: Path) -> None:
    for path in sorted((built / "sparql").glob("*.rq")):
        rows = select(built, path.read_text(encoding="utf-8"))
        assert bool(rows) != path.name.endswith("-violation.rq"), path.name
