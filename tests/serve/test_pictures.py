"""The data the pages draw (kg.serve.pictures), from the built seed store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.serve.pictures import article_statements, landing_pictures, term_json

XSD = "http://www.w3.org/2001/XMLSchema#"
ARTICLE = ox.NamedNode("https://kg.example.org/id/article/china-fentanyl-tariffs")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (ox.NamedNode("https://kg.example.org/id/country/china"),
         {"type": "uri", "value": "https://kg.example.org/id/country/china"}),
        (ox.BlankNode("b0"), {"type": "bnode", "value": "b0"}),
        (ox.Literal("China"), {"type": "literal", "value": "China"}),
        (ox.Literal("China", language="en"),
         {"type": "literal", "value": "China", "xml:lang": "en"}),
        (ox.Literal("2025-03", datatype=ox.NamedNode(XSD + "gYearMonth")),
         {"type": "literal", "value": "2025-03", "datatype": XSD + "gYearMonth"}),
        (ox.Literal(8), {"type": "literal", "value": "8", "datatype": XSD + "integer"}),
    ],
)  # fmt: skip
def test_terms_are_written_as_sparql_json_results_write_them(term, expected):
    assert term_json(term) == expected


def test_landing_pictures_count_articles_speakers_and_stances(seed_store):
    pictures = landing_pictures(seed_store.store, seed_store.settings.base_iri)
    assert pictures["months"].rows == [{"month": "2025-03", "articles": "1"}]
    months = pictures["months"].data["results"]["bindings"][0]["month"]
    assert months["datatype"] == XSD + "gYearMonth"  # drawn on a time axis
    speakers = pictures["speakers"].rows
    assert len(speakers) == 10  # the ten busiest, whatever the dataset's size
    assert speakers[0]["speakerLabel"].startswith("the article itself: China says")
    assert {"speaker": "https://kg.example.org/id/government/china", "statements": "4",
            "speakerLabel": "Government of the People's Republic of China"} in speakers  # fmt: skip
    stances = pictures["stances"].rows
    assert stances[0] == {"stance": "https://kg.example.org/ontology/stance/assert",
                          "stanceLabel": "assert", "statements": "15"}  # fmt: skip
    statements = seed_store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a kgo:Statement }")
    assert sum(int(r["statements"]) for r in stances) == int(statements[0]["n"])
    assert all(p.data["kind"] == "select" and p.view == "bar" for p in pictures.values())


def test_article_statements_go_speaker_statement_stance_target(seed_store):
    picture = article_statements(seed_store.store, ARTICLE, seed_store.settings.base_iri)
    assert picture.view == "graph"
    assert picture.data["head"]["vars"][:4] == ["speaker", "statement", "stance", "target"]
    condemns = [r for r in picture.rows if r["statement"].endswith("/china-condemns-tariffs")]
    assert condemns == [{
        "speaker": "https://kg.example.org/id/government/china",
        "statement": "https://kg.example.org/id/article/china-fentanyl-tariffs/statement/"
                     "china-condemns-tariffs",
        "stance": "https://kg.example.org/ontology/stance/condemn",
        "target": "https://kg.example.org/id/article/china-fentanyl-tariffs/policy/"
                  "us-tariffs-on-china",
        "speakerLabel": "Government of the People's Republic of China",
        "statementLabel": "China condemns Trump's tariffs", "stanceLabel": "condemn",
        "targetLabel": "US tariffs on imports from China",
    }]  # fmt: skip
    own = {r["speakerLabel"] for r in picture.rows if r["speaker"] == ARTICLE.value}
    assert own == {"the article itself"}
    untargeted = [r for r in picture.rows if "target" not in r]
    assert untargeted and not any("targetLabel" in r for r in untargeted)  # no stray labels
