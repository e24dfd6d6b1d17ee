"""The `kg` command through real subprocesses on real project copies."""

import json

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from tests.conftest import run_kg

ARTICLE_GRAPH = "data/articles/first-article/graph.ttl"


def break_syntax(project):
    path = project / ARTICLE_GRAPH
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace('"First article"', '"First article')  # unterminated string
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_bad_claim(project):
    with (project / ARTICLE_GRAPH).open("a", encoding="utf-8") as out:
        out.write(
            "\nart:claim-2 a kgo:Claim ;\n"
            "    kgo:speaker <https://mini.example.org/id/country/nowhere> ;\n"
            "    kgo:evidence art:s9 .\n"
        )


def test_build_prints_a_summary_and_exits_0(mini_project):
    result = run_kg("build", cwd=mini_project)
    assert result.returncode == 0, result.stderr
    assert "4 graphs" in result.stdout and "1 articles" in result.stdout
    assert "entities" in result.stdout and " s " in result.stdout


def test_syntax_error_names_file_and_line_and_keeps_the_old_store(mini_project):
    assert run_kg("build", cwd=mini_project).returncode == 0
    query = "SELECT ?label WHERE { ?a a kgo:Article ; rdfs:label ?label }"
    before = run_kg("query", query, "--format", "csv", cwd=mini_project).stdout

    break_syntax(mini_project)
    result = run_kg("build", cwd=mini_project)

    assert result.returncode == 1
    assert f"{ARTICLE_GRAPH}:6:" in result.stderr
    assert "syntax error" in result.stderr
    after = run_kg("query", query, "--format", "csv", cwd=mini_project)
    assert after.returncode == 0
    assert after.stdout == before == "label\nFirst article\n"


def test_shacl_violation_lists_focus_path_value_and_line(mini_project):
    add_bad_claim(mini_project)
    result = run_kg("build", cwd=mini_project)
    assert result.returncode == 1
    # at the line that writes the sentence no graph describes, not where the claim starts
    assert f"{ARTICLE_GRAPH}:14:18: violation: A claim needs an evidence sentence" in result.stderr
    assert "path:       https://mini.example.org/ontology/evidence" in result.stderr
    assert "value:      <https://mini.example.org/id/article/first-article/s9>" in result.stderr
    assert "sparql/unlabelled-speaker-violation.rq" in result.stderr
    assert not (mini_project / ".kg/store").exists()


def test_validate_formats(mini_project):
    add_bad_claim(mini_project)
    text = run_kg("validate", cwd=mini_project)
    assert text.returncode == 1 and "2 violation(s)" in text.stdout

    as_json = run_kg("validate", "--format", "json", cwd=mini_project)
    body = json.loads(as_json.stdout)
    assert body["conforms"] is False
    assert {r["location"] for r in body["results"]} == {
        f"{ARTICLE_GRAPH}:14:18",
        f"{ARTICLE_GRAPH}:13:17",
    }

    as_turtle = run_kg("validate", "--format", "turtle", cwd=mini_project)
    report = Graph().parse(data=as_turtle.stdout, format="turtle")
    assert len(list(report.subjects(SH.conforms, None))) == 1
    assert len(list(report.objects(None, SH.result))) == 2


def test_validate_conforming_project_exits_0(mini_project):
    result = run_kg("validate", cwd=mini_project)
    assert result.returncode == 0
    assert result.stdout.startswith("conforms")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "label\n--------\nAtlantis\nLemuria\n(2 rows)\n"),
        ("csv", "label\nAtlantis\nLemuria\n"),
        ("tsv", '?label\n"Atlantis"@en\n"Lemuria"@en\n'),
    ],
)
def test_query_output_formats(mini_store, mini_project, fmt, expected):
    query = "SELECT ?label WHERE { ?c a kgo:Country ; rdfs:label ?label } ORDER BY ?label"
    result = run_kg("query", query, "--format", fmt, cwd=mini_project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_query_from_file_with_bound_parameter(mini_store, mini_project):
    query_file = mini_project / "q.rq"
    query_file.write_text("SELECT ?c WHERE { ?c rdfs:label ?name }", encoding="utf-8")
    result = run_kg(
        "query", "-f", query_file, "--param", 'name="Lemuria"@en', "--format", "json",
        cwd=mini_project,
    )  # fmt: skip
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert [r["c"]["value"] for r in rows] == ["https://mini.example.org/id/country/lemuria"]


def test_bad_query_is_a_usage_error(mini_store, mini_project):
    result = run_kg("query", "SELEKT nothing", cwd=mini_project)
    assert result.returncode == 2
    assert "SPARQL syntax error at line 1, column" in result.stderr


def test_query_before_build_says_how_to_fix(mini_project):
    result = run_kg("query", "ASK {}", cwd=mini_project)
    assert result.returncode == 2
    assert "run `kg build` first" in result.stderr


def test_missing_project_directory_exits_2(tmp_path):
    result = run_kg("build", "--project", tmp_path / "absent")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_directory_that_is_not_a_project_exits_2(tmp_path):
    result = run_kg("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "does not look like a kg project" in result.stderr


def test_bad_setting_from_env_exits_2(mini_project):
    result = run_kg("build", cwd=mini_project, env={"KG_BASE_IRI": "not-an-iri"})
    assert result.returncode == 2
    assert "KG_BASE_IRI" in result.stderr


def test_stats_reports_the_build(mini_store, mini_project):
    stats = json.loads(run_kg("stats", cwd=mini_project).stdout)
    assert stats["graphs"] == 4 and stats["entities"] == 2 and stats["articles"] == 1
    assert len(stats["version"]) == 64


def test_sentences_lists_the_text_layer(mini_project):
    result = run_kg("sentences", "first-article", cwd=mini_project)
    assert result.stdout.splitlines()[2] == "s3\t60-74\tMr Smith left."


def test_help_documents_commands_settings_and_exit_codes():
    text = run_kg("--help").stdout
    for word in ("build", "validate", "query", "stats", "serve", "KG_BASE_IRI", "exit codes"):
        assert word in text
    assert "1  invalid data" in text and "2  usage or environment" in text
