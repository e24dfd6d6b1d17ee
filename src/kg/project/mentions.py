"""Mentions: which words of an article name which entity, written compactly, published as
W3C Web Annotations with the selectors a reader's tool needs to find the words.

A curator lists mentions in ``data/articles/{slug}/mentions.txt``, one per line::

    # sentence, the exact words, the entity they name [, what the words literally name]
    s4  "Beijing"   government:china  names place:beijing
    s9  "the US"    country:united-states
    s2  "China"@2   country:china

The words are a JSON string (``\\"`` for a quotation mark), matched exactly (case,
apostrophes) as whole words inside sentence N of ``text.txt``. Lines with the same
words in the same sentence take their occurrences in order; ``@K`` picks the Kth.
``names`` records metonymy: the body is what is meant, ``kgo:literalReferent`` what
the words name. Entities are written as in ``graph.ttl`` (its prefixes) or as ``<IRI>``.

The build derives, for each line, a ``kgo:Mention`` (an ``oa:Annotation`` motivated by
``oa:identifying``) whose target is the article with an ``oa:TextQuoteSelector``
(exact, prefix, suffix) and an ``oa:TextPositionSelector`` (start, end: code points
into the article's ``kgo:text``, end exclusive). Every line is checked against the
text first; all wrong lines are reported together, each at its file:line:column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import namespaces
from kg.errors import DataError, SourceLocation
from kg.project.text import Sentence, normalise, read_text

MENTIONS_FILE = "mentions.txt"
CONTEXT = 32
"""Code points of text kept before and after the words (``oa:prefix``, ``oa:suffix``)."""

_LINE = re.compile(
    r"""^s(?P<sentence>\d+)\s+
        (?P<exact>"(?:[^"\\]|\\.)*")(?:@(?P<occurrence>\d+))?\s+
        (?P<entity>\S+)
        (?:\s+names\s+(?P<literal>\S+))?\s*$""",
    re.X,
)
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:([^\s<>\"]*)$")

RDF_TYPE = ox.NamedNode(namespaces.STANDARD_PREFIXES["rdf"] + "type")
OA = namespaces.STANDARD_PREFIXES["oa"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One line of a mentions file, resolved to a place in the text."""

    line: int
    sentence: Sentence
    exact: str
    occurrence: int  # 1-based, among whole-word matches in the sentence
    start: int  # code points into the article text
    end: int
    entity: str
    literal: str | None

    @property
    def slug(self) -> str:
        words = "-".join(re.sub(r"[^a-z0-9]+", " ", normalise(self.exact)).split()) or "m"
        suffix = f"-{self.occurrence}" if self.occurrence > 1 else ""
        return f"s{self.sentence.number}-{words[:60].strip('-')}{suffix}"


def read_mentions(
    path: Path,
    *,
    shown_as: Path,
    text: str,
    sentences: list[Sentence],
    prefixes: Mapping[str, str],
    described: Callable[[str], bool],
    max_bytes: int | None = None,
) -> list[Mention]:
    """Every mention of the file, placed in ``text``; a ``DataError`` lists every wrong line."""
    mentions: list[Mention] = []
    errors: list[str] = []
    taken: dict[tuple, int] = {}  # (start, end) and (start, end, entity) -> first line
    lines = read_text(path, shown_as=shown_as, max_bytes=max_bytes).splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        column = len(raw) - len(raw.lstrip()) + 1
        place = SourceLocation(shown_as, number, column)
        try:
            mention = _mention(line, number, text, sentences, prefixes, described, taken)
        except _LineError as exc:
            errors.append(f"{place}: {exc}")
            continue
        taken.setdefault((mention.start, mention.end), number)
        taken[(mention.start, mention.end, mention.entity)] = number
        mentions.append(mention)
    if errors:
        raise DataError(
            "\n".join(errors),
            hint=f'each line of {MENTIONS_FILE} is: sN "exact words" entity [names entity]; '
            "`kg sentences SLUG` prints the numbered sentences (docs/modelling.md, Mentions)",
        )
    return mentions


class _LineError(Exception):
    """What is wrong with one line (the caller adds the place)."""


def _mention(
    line: str,
    number: int,
    text: str,
    sentences: list[Sentence],
    prefixes: Mapping[str, str],
    described: Callable[[str], bool],
    taken: dict[tuple, int],
) -> Mention:
    match = _LINE.match(_without_comment(line))
    if not match:
        raise _LineError(
            'not a mention: write sN "exact words" entity, optionally followed by '
            'names entity (e.g. s4 "Beijing" government:china names place:beijing)'
        )
    index = int(match["sentence"])
    if not 1 <= index <= len(sentences):
        raise _LineError(f"there is no sentence s{index}: the text has s1 to s{len(sentences)}")
    sentence = sentences[index - 1]
    exact = json.loads(match["exact"])
    if not exact.strip():
        raise _LineError("the words are empty")
    entity = _iri(match["entity"], prefixes, described)
    literal = _iri(match["literal"], prefixes, described) if match["literal"] else None
    starts = whole_word_starts(sentence.text, exact)
    if not starts:
        elsewhere = [s.number for s in sentences if whole_word_starts(s.text, exact)]
        where = f"; they are in {', '.join(f's{n}' for n in elsewhere)}" if elsewhere else ""
        folded = sentence.text.casefold().find(exact.casefold())
        if folded != -1 and not elsewhere:
            written = json.dumps(sentence.text[folded : folded + len(exact)], ensure_ascii=False)
            where = f"; it has {written} (the words must match exactly, case included)"
        raise _LineError(f"{json.dumps(exact, ensure_ascii=False)} is not in s{index}{where}")
    if match["occurrence"]:
        occurrence = int(match["occurrence"])
        if not 1 <= occurrence <= len(starts):
            raise _LineError(
                f"{json.dumps(exact, ensure_ascii=False)} occurs {len(starts)} time(s) in "
                f"s{index}, so @{occurrence} is not one of them"
            )
    else:  # the next occurrence no earlier line took
        span = len(exact)
        free = [k for k, s in enumerate(starts, 1)
                if (sentence.start + s, sentence.start + s + span) not in taken]  # fmt: skip
        if not free:
            raise _LineError(
                f"every occurrence of {json.dumps(exact, ensure_ascii=False)} in s{index} is "
                "already annotated by an earlier line"
            )
        occurrence = free[0]
    start = sentence.start + starts[occurrence - 1]
    end = start + len(exact)
    if (start, end, entity) in taken:
        raise _LineError(f"these words already name {entity} at line {taken[(start, end, entity)]}")
    if (start, end) in taken and not match["occurrence"]:
        raise _LineError(f"these words are already annotated at line {taken[(start, end)]}")
    assert text[start:end] == exact
    return Mention(number, sentence, exact, occurrence, start, end, entity, literal)


def _without_comment(line: str) -> str:
    """The line without a trailing ``# …`` comment (a ``#`` inside the quoted words stays)."""
    in_string = escaped = False
    for i, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
        elif char == "#" and not in_string and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line


def whole_word_starts(sentence: str, words: str) -> list[int]:
    """Where ``words`` stand in ``sentence`` as whole words ("US" is not in "USD")."""
    starts, pos = [], sentence.find(words)
    while pos != -1:
        end = pos + len(words)
        before = pos == 0 or not (sentence[pos - 1].isalnum() and words[0].isalnum())
        after = end == len(sentence) or not (sentence[end].isalnum() and words[-1].isalnum())
        if before and after:
            starts.append(pos)
        pos = sentence.find(words, pos + 1)
    return starts


def _iri(written: str, prefixes: Mapping[str, str], described: Callable[[str], bool]) -> str:
    if written.startswith("<") and written.endswith(">"):
        iri = written[1:-1]
    else:
        match = _PREFIXED.match(written)
        if not match:
            raise _LineError(f"{written} is neither a prefixed name nor an <IRI>")
        prefix = match[1] or ""
        if prefix not in prefixes:
            raise _LineError(
                f"unknown prefix {prefix}: in {written}; declare it in graph.ttl or write <IRI>"
            )
        iri = prefixes[prefix] + match[2]
    if not namespaces.is_iri(iri):
        raise _LineError(f"{written} is not a valid IRI")
    if not described(iri):  # the caller decides which IRIs must be (the dataset's own)
        raise _LineError(
            f"{written} is described neither in this article's graph.ttl nor in the shared "
            "entities: describe it (with its type) or correct the name"
        )
    return iri


def mention_layer(
    article_iri: str, text: str, mentions: list[Mention], *, vocabulary: str
) -> list[ox.Triple]:
    """The Web Annotations of ``mentions``, in the article's graph."""
    article = ox.NamedNode(article_iri)
    kgo = vocabulary

    def oa(name: str) -> ox.NamedNode:
        return ox.NamedNode(OA + name)

    triples: list[ox.Triple] = []
    used: set[str] = set()
    for m in mentions:
        slug = m.slug if m.slug not in used else f"{m.slug}-{_last_segment(m.entity)}"
        while slug in used:  # the same words for the same entity: "US" and "U.S."
            slug += "-x"
        used.add(slug)
        node = ox.NamedNode(f"{article_iri}/mention/{slug}")
        target, quote, position = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
        sentence = ox.NamedNode(namespaces.sentence_iri(article_iri, m.sentence.number))
        triples += [
            ox.Triple(node, RDF_TYPE, ox.NamedNode(kgo + "Mention")),
            ox.Triple(node, oa("motivatedBy"), oa("identifying")),
            ox.Triple(node, oa("hasBody"), ox.NamedNode(m.entity)),
            ox.Triple(node, oa("hasTarget"), target),
            ox.Triple(node, ox.NamedNode(kgo + "inSentence"), sentence),
            ox.Triple(node, ox.NamedNode(kgo + "inArticle"), article),
            ox.Triple(target, RDF_TYPE, oa("SpecificResource")),
            ox.Triple(target, oa("hasSource"), article),
            ox.Triple(target, oa("hasSelector"), quote),
            ox.Triple(target, oa("hasSelector"), position),
            ox.Triple(quote, RDF_TYPE, oa("TextQuoteSelector")),
            ox.Triple(quote, oa("exact"), ox.Literal(m.exact)),
            ox.Triple(position, RDF_TYPE, oa("TextPositionSelector")),
            ox.Triple(position, oa("start"), ox.Literal(m.start)),
            ox.Triple(position, oa("end"), ox.Literal(m.end)),
        ]
        context = {"prefix": text[max(0, m.start - CONTEXT) : m.start],
                   "suffix": text[m.end : m.end + CONTEXT]}  # fmt: skip
        triples += [ox.Triple(quote, oa(k), ox.Literal(v)) for k, v in context.items() if v]
        if m.literal:
            triples.append(
                ox.Triple(node, ox.NamedNode(kgo + "literalReferent"), ox.NamedNode(m.literal))
            )
    return triples


def _last_segment(iri: str) -> str:
    """Tells apart two mentions of one place ("The two nations": two countries)."""
    return re.sub(r"[^a-z0-9]+", "-", iri.rstrip("/#").rsplit("/", 1)[-1].lower()).strip("-")
