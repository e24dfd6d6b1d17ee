"""The article text layer: split a source text into numbered sentences with offsets.

Curators point facts at sentence IRIs (``…/s7``) instead of retyping text, so the
split must be deterministic and explainable: a sentence ends at ``.``, ``!`` or
``?`` (optionally followed by closing quotes or brackets) when whitespace and an
upper-case letter, digit or opening quote follow, unless the word before the stop
is a known abbreviation. Paragraph breaks always end a sentence, and a trailing
all-capitals credit line (``… in August 2024. BLOOMBERG``) is its own sentence.

Offsets count Unicode code points from the start of the file (the same unit as
Web Annotation's ``oa:start``/``oa:end``); ``end`` is exclusive, so
``text[start:end] == sentence.text`` always holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import namespaces
from kg.errors import DataError
from kg.project.sources import read_source

ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt",
        "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "etc", "jan",
        "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
    }
)  # fmt: skip

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a source text; ``number`` is 1-based in reading order."""

    number: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets index ``text`` exactly."""
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraph_spans(text):
        spans.extend(_sentence_spans(text, para_start, para_end))
    return [
        Sentence(number=i, start=s, end=e, text=text[s:e])
        for i, (s, e) in enumerate(spans, start=1)
    ]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    paragraph = text[start:end]
    for match in _BOUNDARY.finditer(paragraph):
        stop = start + match.start()
        if _is_abbreviation(text[pos:stop]):
            continue
        spans.append((pos, start + match.end()))
        pos = _skip_space(text, start + match.end(), end)
    if pos < end:
        spans.append((pos, end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _is_abbreviation(before_stop: str) -> bool:
    match = _WORD_BEFORE.search(before_stop)
    if not match:
        return False
    word = match.group(1)
    is_initial = len(word) == 1 and word.isupper()  # "J. Smith"
    return is_initial or word.lower() in ABBREVIATIONS


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_text(path: Path, *, shown_as: Path | None = None, max_bytes: int | None = None) -> str:
    """A source text exactly as stored (no newline translation, so offsets match the file)."""
    raw = read_source(path, shown_as=shown_as or path, max_bytes=max_bytes)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{shown_as or path}: not UTF-8 (byte {exc.start}: {exc.reason})",
            hint="save the source text as UTF-8",
        ) from None


def text_layer(
    article_iri: str, text: str, sentences: list[Sentence], *, vocabulary: str
) -> list[ox.Triple]:
    """The article's full text and one resource per sentence (``split_sentences(text)``)."""
    article = ox.NamedNode(article_iri)

    def term(name: str) -> ox.NamedNode:
        return ox.NamedNode(vocabulary + name)

    triples = [ox.Triple(article, term("text"), ox.Literal(text))]
    for sentence in sentences:
        node = ox.NamedNode(namespaces.sentence_iri(article_iri, sentence.number))
        triples += [
            ox.Triple(node, _RDF_TYPE, term("Sentence")),
            ox.Triple(node, term("inArticle"), article),
            ox.Triple(node, term("sentenceNumber"), ox.Literal(sentence.number)),
            ox.Triple(node, term("text"), ox.Literal(sentence.text)),
            ox.Triple(node, term("startOffset"), ox.Literal(sentence.start)),
            ox.Triple(node, term("endOffset"), ox.Literal(sentence.end)),
        ]
    return triples


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def normalise(text: str) -> str:
    """Case, accents and punctuation folded away: how people expect names to compare."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())
