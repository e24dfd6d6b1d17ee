"""mentions.txt: compact lines in, Web Annotations with exact selectors out, and every
wrong line reported at its file:line with what is wrong."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import DataError
from kg.project.mentions import mention_layer, read_mentions, whole_word_starts
from kg.project.text import split_sentences

TEXT = "Beijing said the US erred. The US and USD rose in the US.\n\nBLOOMBERG"
ARTICLE = "https://kg.example.org/id/article/a"
PREFIXES = {"country": "https://kg.example.org/id/country/",
            "gov": "https://kg.example.org/id/government/",
            "place": "https://kg.example.org/id/place/"}  # fmt: skip
KNOWN = {"https://kg.example.org/id/country/us", "https://kg.example.org/id/government/china",
         "https://kg.example.org/id/place/beijing"}  # fmt: skip
OA = "http://www.w3.org/ns/oa#"


def read(tmp_path: Path, body: str):
    path = tmp_path / "mentions.txt"
    path.write_text(body, encoding="utf-8")
    return read_mentions(path, shown_as=Path("data/articles/a/mentions.txt"), text=TEXT,
                         sentences=split_sentences(TEXT), prefixes=PREFIXES,
                         described=KNOWN.__contains__)  # fmt: skip


def test_lines_become_places_in_the_text(tmp_path: Path):
    mentions = read(tmp_path, '# a comment\n\ns1 "Beijing" gov:china names place:beijing\n'
                    's2 "US" country:us  # the first\ns2 "US" country:us\n')  # fmt: skip
    assert [(m.line, TEXT[m.start : m.end], m.occurrence) for m in mentions] == [
        (3, "Beijing", 1), (4, "US", 1), (5, "US", 2)
    ]  # fmt: skip
    assert mentions[0].literal == "https://kg.example.org/id/place/beijing"
    assert mentions[2].start == TEXT.rindex("US")  # "USD" is not a whole-word match


def test_an_explicit_occurrence_and_two_entities_for_the_same_words(tmp_path: Path):
    mentions = read(
        tmp_path, 's2 "US"@2 country:us\ns2 "US"@2 <https://kg.example.org/id/government/china>\n'
    )
    assert {m.start for m in mentions} == {TEXT.rindex("US")}
    triples = mention_layer(ARTICLE, TEXT, mentions, vocabulary="https://kg.example.org/ontology/")
    annotations = {t.subject for t in triples if t.predicate.value == OA + "hasBody"}
    assert len(annotations) == 2  # two IRIs, not one annotation with two bodies


def test_the_layer_is_web_annotation_with_both_selectors(tmp_path: Path):
    [mention] = read(tmp_path, 's1 "the US" country:us\n')
    triples = mention_layer(ARTICLE, TEXT, [mention], vocabulary="https://kg.example.org/ontology/")
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    [row] = store.query(f"""PREFIX oa: <{OA}> PREFIX kgo: <https://kg.example.org/ontology/>
        SELECT ?m ?exact ?prefix ?suffix ?start ?end ?source ?sentence WHERE {{
          ?m a kgo:Mention ; oa:motivatedBy oa:identifying ; kgo:inSentence ?sentence ;
             oa:hasBody <https://kg.example.org/id/country/us> ; oa:hasTarget ?t .
          ?t a oa:SpecificResource ; oa:hasSource ?source ; oa:hasSelector ?q , ?p .
          ?q a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
          ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }}""")
    assert row["m"].value == f"{ARTICLE}/mention/s1-the-us"
    assert (row["exact"].value, row["prefix"].value) == ("the US", "Beijing said ")
    assert row["suffix"].value == TEXT[TEXT.index(" erred") :][:32]
    assert (int(row["start"].value), int(row["end"].value)) == (13, 19)
    assert (row["source"].value, row["sentence"].value) == (ARTICLE, f"{ARTICLE}/s1")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('s1 "the UK" country:us', '"the UK" is not in s1'),
        ('s1 "BEIJING" country:us', '"BEIJING" is not in s1; it has "Beijing" (the words must'),
        ('s1 "USD" country:us', '"USD" is not in s1; they are in s2'),
        ('s9 "US" country:us', "there is no sentence s9: the text has s1 to s3"),
        ('s2 "US"@4 country:us', '"US" occurs 2 time(s) in s2, so @4 is not one of them'),
        ('s1 "US" nation:us', "unknown prefix nation: in nation:us"),
        ('s1 "US" country:uk', "country:uk is described neither in this article's graph.ttl"),
        ("s1 US country:us", 'not a mention: write sN "exact words" entity'),
        ('s1 "" country:us', "the words are empty"),
    ],
)
def test_a_wrong_line_is_reported_at_its_place(tmp_path: Path, line: str, says: str):
    with pytest.raises(DataError) as caught:
        read(tmp_path, f"# header\n{line}\n")
    assert caught.value.message.startswith("data/articles/a/mentions.txt:2:1: ")
    assert says in caught.value.message
    assert "kg sentences" in (caught.value.hint or "")


def test_every_wrong_line_is_reported_at_once(tmp_path: Path):
    body = 's1 "US" country:us\ns1 "US" country:us\ns1 "nope" country:us\n'
    with pytest.raises(DataError) as caught:
        read(tmp_path, body)
    lines = caught.value.message.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "data/articles/a/mentions.txt:2:1", "data/articles/a/mentions.txt:3:1"
    ]  # fmt: skip
    assert 'every occurrence of "US" in s1 is already annotated' in lines[0]


def test_whole_words_only():
    assert whole_word_starts("the US and USD, US.", "US") == [4, 16]
    assert whole_word_starts("“big thank you”", "big thank you") == [1]
