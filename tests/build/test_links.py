"""The link rules, each with a fixture that breaks it; and `kg links check` as a command."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_kg

ENTITIES = "data/entities.ttl"
HEADER = (
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix kgo: <https://mini.example.org/ontology/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def add_entities(project, turtle: str) -> None:
    with (project / ENTITIES).open("a", encoding="utf-8") as out:
        out.write("\n" + HEADER + turtle)


def test_seed_links_conform_and_coverage_is_reported():
    result = run_kg("links", "check", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    body = json.loads(result.stdout)
    assert body["conforms"] is True
    assert "https://kg.example.org/id/country/china" in body["coverage"]["linked"]


@pytest.mark.parametrize(
    ("turtle", "rule", "message"),
    [
        ("<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label \"Mu\" ;\n"
         "    owl:sameAs <https://www.wikidata.org/wiki/Q1> .\n",
         "links:form", "Wikidata link is not of the form http://www.wikidata.org/entity/Q"),
        ("<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label \"Mu\" ;\n"
         "    skos:exactMatch <https://dbpedia.org/page/Mu> .\n",
         "links:form", "DBpedia link is not of the form http://dbpedia.org/resource/"),
        ("<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label \"Mu\" ;\n"
         "    owl:sameAs <http://www.wikidata.org/entity/Q1>,\n"
         "        <http://www.wikidata.org/entity/Q2> .\n",
         "links:one-qid", "entity matches several Wikidata items"),
        ("<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label \"Mu\" ;\n"
         "    owl:sameAs <http://www.wikidata.org/entity/Q37226> .\n",
         "links:one-entity", "Wikidata item is matched by several entities"),
        ("<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label \"Mu\" ;\n"
         "    owl:sameAs <http://www.wikidata.org/entity/Q185078> .\n",
         "links:known-wrong", "link to a known-wrong identifier"),
    ],
)  # fmt: skip
def test_each_rule_fails_the_build_with_its_message(mini_project, turtle, rule, message):
    (mini_project / "kg.toml").write_text(
        (mini_project / "kg.toml").read_text()
        + '\n[links]\nknown_wrong_links = ["http://www.wikidata.org/entity/Q185078"]\n'
    )
    add_entities(mini_project, turtle)
    check = run_kg("links", "check", "--format", "json", cwd=mini_project)
    assert check.returncode == 1
    results = json.loads(check.stdout)["results"]
    assert any(r["shape"] == rule and message in r["message"] for r in results), results
    assert all(r["location"].startswith(ENTITIES) for r in results if r["shape"] == rule)
    built = run_kg("build", cwd=mini_project)
    assert built.returncode == 1 and message in built.stderr


def test_related_links_may_repeat_and_are_not_identity(mini_project):
    add_entities(
        mini_project,
        '<https://mini.example.org/id/country/mu> a kgo:Country ; rdfs:label "Mu" ;\n'
        "    skos:related <http://www.wikidata.org/entity/Q37226> .\n",
    )
    assert run_kg("links", "check", cwd=mini_project).returncode == 0


def test_check_against_a_local_extract(mini_project, tmp_path):
    extract = tmp_path / "wikidata-extract.nt"
    extract.write_text(
        "<http://www.wikidata.org/entity/Q37226> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Atlantis"@en .\n'
        '<http://www.wikidata.org/entity/Q1> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n',
        encoding="utf-8",
    )
    result = run_kg("links", "check", "--against", extract, "--format", "json", cwd=mini_project)
    body = json.loads(result.stdout)
    missing = [r for r in body["results"] if r["shape"] == "links:exists"]
    assert [r["focusNode"] for r in missing] == ["https://mini.example.org/id/country/lemuria"]
    assert result.returncode == 1


def test_label_disagreement_is_a_warning(mini_project, tmp_path):
    extract = tmp_path / "extract.nt"
    extract.write_text(
        "<http://www.wikidata.org/entity/Q37226> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Sunken island"@en .\n'
        "<http://www.wikidata.org/entity/Q207765> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"lemuria"@en .\n',
        encoding="utf-8",
    )
    result = run_kg("links", "check", "--against", extract, "--format", "json", cwd=mini_project)
    body = json.loads(result.stdout)
    assert result.returncode == 0
    assert [(r["severity"], r["focusNode"]) for r in body["results"]] == [
        ("Warning", "https://mini.example.org/id/country/atlantis")
    ]
