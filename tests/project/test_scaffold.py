"""`kg article new`: a new article's folder that builds as it is, or nothing at all.

Every test runs the real command on a copy of the repository's project (its ontology,
shapes, violation queries, entities and seed article), so "it validates" means what
`kg build` means by it.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date

import pytest

from kg.project.scaffold import article_prefixes
from kg.project.text import split_sentences
from tests.conftest import KG, REPO, run_kg
from tests.projects import SEED_ARTICLE, seed_project

TEXT = (
    "– Trade talks between the US and China stalled on Friday, people familiar with the "
    'matter said. "We are not close," a US official said.\n\n'
    "Talks resume next week, according to Mr. Smith.\n\nBLOOMBERG\n"
)
SLUG = "talks-stall"
GRAPH = f"data/articles/{SLUG}/graph.ttl"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return seed_project(tmp_path_factory.mktemp("scaffold") / "project")


@pytest.fixture
def fresh(tmp_path):
    return seed_project(tmp_path / "project")


def new(project, *args, text: bytes | None = TEXT.encode(), name: str = "copy.txt"):
    source = project.parent / name
    if text is not None:
        source.write_bytes(text)
    return run_kg("article", "new", *args, "--text", source, cwd=project)


def uncomment_example(graph: str) -> str:
    """What a curator does with the example: remove the "# " before each of its lines."""
    head, example = graph.split("# st:example-statement", 1)
    lines = ("# st:example-statement" + example).splitlines()
    return head + "\n".join(line.removeprefix("# ") for line in lines) + "\n"


def test_the_skeleton_validates_and_builds_as_it_is(fresh):
    result = new(fresh, SLUG, "--issued", "2025-03-14")
    assert result.returncode == 0, result.stderr
    assert (fresh / f"data/articles/{SLUG}/text.txt").read_bytes() == TEXT.encode()
    mentions = (fresh / f"data/articles/{SLUG}/mentions.txt").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in mentions.splitlines())  # explained, none yet

    validated = run_kg("validate", cwd=fresh)
    assert validated.returncode == 0, validated.stdout
    built = run_kg("build", cwd=fresh)
    assert built.returncode == 0, built.stderr
    sentence = f"<https://kg.example.org/id/article/{SLUG}/s4>"
    answer = run_kg("query", f"SELECT ?t WHERE {{ {sentence} kgo:text ?t }}", "--format", "csv",
                    cwd=fresh)  # fmt: skip
    assert answer.stdout == "t\nBLOOMBERG\n"  # its text layer is there


def test_the_example_statement_validates_once_uncommented(fresh):
    assert new(fresh, SLUG).returncode == 0
    path = fresh / GRAPH
    path.write_text(uncomment_example(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_kg("validate", cwd=fresh)
    assert result.returncode == 0, result.stdout
    assert run_kg("build", cwd=fresh).returncode == 0
    article = f"https://kg.example.org/id/article/{SLUG}"
    query = (
        f"SELECT ?who WHERE {{ ?s a kgo:Statement ; kgo:inArticle <{article}> ; kgo:speaker ?who }}"
    )
    said = run_kg("query", query, "--format", "csv", cwd=fresh).stdout
    assert said == f"who\n{article}\n"  # in the article's own voice


def test_the_skeleton_numbers_the_sentences_as_the_build_does(project):
    assert new(project, "numbered").returncode == 0
    graph = (project / "data/articles/numbered/graph.ttl").read_text(encoding="utf-8")
    listed = re.findall(r"^# s(\d+): (.*)$", graph, flags=re.M)
    expected = [(str(s.number), " ".join(s.text.split())) for s in split_sentences(TEXT)]
    assert listed == expected and len(listed) == 4
    shown = run_kg("sentences", "numbered", cwd=project).stdout.splitlines()
    assert [line.split("\t")[2] for line in shown] == [text for _, text in expected]


def test_placeholders_are_marked_and_options_fill_them(project):
    assert new(project, "defaults").returncode == 0
    graph = (project / "data/articles/defaults/graph.ttl").read_text(encoding="utf-8")
    assert f'dcterms:issued "{date.today().isoformat()}"^^xsd:date' in graph
    assert "PLACEHOLDER: today" in graph
    title = "Trade talks between the US and China stalled on Friday, people familiar with the"
    assert f'dcterms:title "{title} matter said."@en' in graph  # the first sentence, undashed
    assert "dcterms:publisher organization:bloomberg-news" in graph
    assert "kgo:evidence art:s4 ." in graph  # the closing credit line names the source

    publisher = "https://kg.example.org/id/organization/bloomberg-lp"
    given = new(project, "given", "--issued", "2025-03-14", "--publisher", publisher)
    assert given.returncode == 0, given.stderr
    graph = (project / "data/articles/given/graph.ttl").read_text(encoding="utf-8")
    assert 'dcterms:issued "2025-03-14"^^xsd:date' in graph and "PLACEHOLDER: today" not in graph
    assert "dcterms:publisher organization:bloomberg-lp" in graph


def test_the_skeleton_declares_every_prefix_of_the_seed_article():
    seed = (REPO / SEED_ARTICLE / "graph.ttl").read_text(encoding="utf-8")
    declared = dict(re.findall(r"^@prefix\s+([\w-]*):\s*<([^>]*)>", seed, flags=re.M))
    slug = SEED_ARTICLE.rsplit("/", 1)[1]
    assert article_prefixes("https://kg.example.org/", slug) == declared


def test_text_from_standard_input_is_kept_byte_for_byte(project):
    text = "Line one.\r\nLine two ends – here.\n".encode()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    result = subprocess.run([*KG, "article", "new", "from-stdin", "--text", "-"], cwd=project,
                            input=text, capture_output=True, env=env, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (project / "data/articles/from-stdin/text.txt").read_bytes() == text


@pytest.mark.parametrize(
    ("slug", "text", "said"),
    [
        ("china-fentanyl-tariffs", TEXT.encode(), f"{SEED_ARTICLE}: already exists"),
        ("Talks_Stall", TEXT.encode(), "data/articles/Talks_Stall: 'Talks_Stall' is not a slug"),
        ("double--hyphen", TEXT.encode(), "is not a slug"),
        ("missing-text", None, "missing-text.txt: cannot read the article's text: no such file"),
        ("not-utf-8", b"Caf\xe9 au lait.", "not-utf-8.txt: not UTF-8 (byte 3"),
        ("empty", b" \n\n", "empty.txt: no text (empty, or only white space)"),
    ],
)  # fmt: skip
def test_refusals_name_the_path_and_write_nothing(project, slug, text, said):
    before = sorted(p.name for p in (project / "data").rglob("*"))
    result = new(project, slug, text=text, name=f"{slug}.txt")
    assert result.returncode == 2
    assert said in result.stderr and "hint:" in result.stderr
    assert sorted(p.name for p in (project / "data").rglob("*")) == before


def test_a_publisher_the_entities_do_not_describe_is_refused(project):
    result = new(project, "unknown-publisher", "--publisher", "organization:nobody")
    assert result.returncode == 2
    assert "does not describe the publisher <https://kg.example.org/id/organization/nobody>" in (
        result.stderr
    )
    assert not (project / "data/articles/unknown-publisher").exists()


def test_a_date_that_is_not_yyyy_mm_dd_is_refused(project):
    result = new(project, "bad-date", "--issued", "14/03/2025")
    assert result.returncode == 2 and "--issued 14/03/2025: not a date" in result.stderr
    assert not (project / "data/articles/bad-date").exists()


def test_help_explains_the_command_and_its_skeleton():
    article = run_kg("article", "--help").stdout
    assert "new" in article and "kg article new SLUG --text FILE" in article
    text = run_kg("article", "new", "--help").stdout
    for words in ("--text FILE", "--issued DATE", "--publisher IRI", "PLACEHOLDER",
                  "# s3:", "kgo:Statement", "organization:bloomberg-news", "exit 2"):  # fmt: skip
        assert words in text, words


def test_a_long_first_sentence_makes_a_title_cut_at_a_word(project):
    sentence = "The " + "very " * 40 + "long opening sentence ends here."
    assert new(project, "long-title", text=f"{sentence} Then more.\n".encode()).returncode == 0
    graph = (project / "data/articles/long-title/graph.ttl").read_text(encoding="utf-8")
    title = re.search(r'dcterms:title "([^"]*)"@en', graph).group(1)
    assert title.endswith("very …") and len(title) <= 102 and sentence.startswith(title[:-2])
    assert run_kg("validate", cwd=project).returncode == 0
