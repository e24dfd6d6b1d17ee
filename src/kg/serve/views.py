"""Turn RDF descriptions into what the HTML templates show: labels, grouped properties,
evidence quotes, links through the serving origin, and schema.org JSON-LD.

Canonical IRIs under the base become local paths (``/id/country/china``), so a
reader on any host clicks through the whole graph; other IRIs stay as they are.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox

from kg.namespaces import ontology_namespace, prefixes
from kg.output import compact
from kg.serve.resources import Notice

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
)
SAME_AS = (
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
)
EXTERNAL_SITES = {"http://www.wikidata.org/": "Wikidata", "http://dbpedia.org/": "DBpedia"}


@dataclass
class Links:
    """Maps IRIs to what a reader sees and follows."""

    base_iri: str

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_iri).path or "/"

    def href(self, iri: str) -> str:
        if iri.startswith(self.base_iri):
            return self.base_path + iri[len(self.base_iri) :]
        return iri

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.base_iri)

    def site(self, iri: str) -> str | None:
        return next(
            (name for prefix, name in EXTERNAL_SITES.items() if iri.startswith(prefix)), None
        )


@dataclass
class Value:
    text: str
    href: str | None = None
    kind: str = "literal"  # iri, literal, blank
    note: str | None = None  # language tag, datatype, or the external site
    children: list[PropertyGroup] = field(default_factory=list)


@dataclass
class PropertyGroup:
    iri: str
    label: str
    href: str | None
    values: list[Value]


@dataclass
class Evidence:
    sentence: str
    number: int
    text: str
    article: str
    article_label: str
    href: str


class Labels:
    """The best label of each IRI in a set of triples (English or untagged first)."""

    def __init__(self, triples: list[ox.Triple], base_iri: str) -> None:
        self._names = prefixes(base_iri)
        self._labels: dict[str, tuple[int, str]] = {}
        sentence_number = ontology_namespace(base_iri) + "sentenceNumber"
        for triple in triples:
            predicate = triple.predicate.value
            if predicate == sentence_number:  # sentences have numbers, not labels
                self._labels.setdefault(
                    triple.subject.value, (99, f"sentence {triple.object.value}")
                )
            if predicate in LABELS and isinstance(triple.object, ox.Literal):
                rank = LABELS.index(predicate) * 3 + _language_rank(triple.object.language)
                key = triple.subject.value
                if key not in self._labels or rank < self._labels[key][0]:
                    self._labels[key] = (rank, triple.object.value)

    def get(self, iri: str) -> str | None:
        found = self._labels.get(iri)
        return found[1] if found else None

    def of(self, iri: str) -> str:
        """The label, or a prefixed name, or the IRI itself."""
        return self.get(iri) or compact(iri, self._names).strip("<>")


def _language_rank(language: str | None) -> int:
    return 0 if language == "en" else 1 if not language else 2


def property_groups(
    subject: ox.NamedNode | ox.BlankNode,
    triples: list[ox.Triple],
    labels: Labels,
    links: Links,
    *,
    depth: int = 0,
) -> list[PropertyGroup]:
    """The subject's properties, types first, then by label; blank nodes nested once."""
    grouped: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = defaultdict(list)
    for triple in triples:
        if triple.subject == subject:
            grouped[triple.predicate.value].append(triple.object)
    groups = []
    for predicate, objects in grouped.items():
        values = [_value(o, triples, labels, links, depth) for o in objects]
        values.sort(key=lambda v: v.text.lower())
        groups.append(PropertyGroup(predicate, labels.of(predicate), links.href(predicate), values))
    groups.sort(key=lambda g: (g.iri != RDF_TYPE, g.label.lower()))
    return groups


def _value(term, triples, labels: Labels, links: Links, depth: int) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(labels.of(term.value), links.href(term.value), "iri", links.site(term.value))
    if isinstance(term, ox.BlankNode):
        children = (
            property_groups(term, triples, labels, links, depth=depth + 1) if depth < 2 else []
        )
        return Value("", None, "blank", None, children)
    note = term.language or (None if term.datatype.value.endswith("#string") else
                             compact(term.datatype.value, labels._names))  # fmt: skip
    return Value(term.value, None, "literal", note)


def evidence(
    subject: str, triples: list[ox.Triple], vocabulary: str, labels: Labels, links: Links
) -> list[Evidence]:
    """The sentences the subject points at, quoted, each linked to its place in the article."""
    facts: dict[str, dict[str, ox.NamedNode | ox.Literal]] = defaultdict(dict)
    for triple in triples:
        facts[triple.subject.value][triple.predicate.value] = triple.object
    found = []
    for triple in triples:
        sentence = triple.object.value
        info = facts.get(sentence, {})
        required = ("text", "inArticle", "sentenceNumber")
        if triple.subject.value != subject or any(vocabulary + r not in info for r in required):
            continue
        article = info[vocabulary + "inArticle"].value
        number = int(info[vocabulary + "sentenceNumber"].value)
        found.append(
            Evidence(sentence, number, info[vocabulary + "text"].value, article,
                     labels.of(article), f"{links.href(article)}.html#s{number}")
        )  # fmt: skip
    return sorted({e.sentence: e for e in found}.values(), key=lambda e: (e.article, e.number))


@dataclass
class NoticeView:
    """A correction or retraction as a page shows it, in words first (not only colour)."""

    kind: str  # "correction" or "retraction"
    href: str
    label: str
    date: str
    note: str  # ends as a sentence does
    property: tuple[str, str] | None  # label, href
    earlier: Value | None
    evidence: list[Evidence]


def notice_view(notice: Notice, links: Links) -> NoticeView:
    """A notice with links through the serving origin; a property the store has no label
    for (``rdfs:label`` itself) is named by its local name."""
    prop = None
    if notice.property:
        name = notice.property_label or re.split(r"[#/]", notice.property)[-1]
        prop = (name, links.href(notice.property))
    earlier = None
    if notice.earlier is not None:
        href = links.href(notice.earlier_iri) if notice.earlier_iri else None
        earlier = Value(notice.earlier, href, "iri" if href else "literal")
    note = (notice.note or "").strip()
    if note and note[-1] not in ".!?":
        note += "."
    return NoticeView(
        notice.kind, links.href(notice.record), notice.label or notice.kind.capitalize(),
        notice.date or "an unrecorded date", note, prop, earlier,
        [Evidence(s, n, text, article, "", f"{links.href(article)}.html#s{n}")
         for s, n, text, article in notice.evidence],
    )  # fmt: skip


def same_as(subject: str, triples: list[ox.Triple]) -> list[str]:
    return sorted(
        t.object.value
        for t in triples
        if t.subject.value == subject and t.predicate.value in SAME_AS
        and isinstance(t.object, ox.NamedNode)
    )  # fmt: skip


def schema_org(iri: str, label: str, schema_type: str | None, same: list[str]) -> str:
    """JSON-LD for search engines, safe to embed in a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@id": iri,
        "@type": (schema_type or "https://schema.org/Thing").rsplit("/", 1)[-1],
        "name": label,
        "url": iri,
    }
    if same:
        data["sameAs"] = same
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def vocabulary(base_iri: str) -> str:
    return ontology_namespace(base_iri)
