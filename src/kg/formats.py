"""The one format table, and content negotiation over it (RFC 9110 §12.5.1).

Every place that needs a media type, a file extension or a serializer reads
``FORMATS``; media-type strings are compared nowhere else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import NotAcceptable, UsageError

RDF, RESULTS, PAGE = "rdf", "results", "page"
FILE = "file"  # what the downloads serve besides RDF: gzip, plain text, plain JSON


@dataclass(frozen=True, slots=True)
class Format:
    """One serialization: short name (``--format``, ``?format=``), media type, extension."""

    name: str
    media_type: str
    extension: str
    kind: str
    label: str
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = field(default=())  # other media types that mean this format
    nicknames: tuple[str, ...] = field(default=())  # what clients put in format=/output=
    quads: bool = False
    w3c: str | None = None  # the format's IRI under http://www.w3.org/ns/formats/

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text formats say their charset)."""
        if self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


W3C = "http://www.w3.org/ns/formats/"

FORMATS: tuple[Format, ...] = (
    # Turtle is a subset of N3: an N3 client reads it
    Format("turtle", "text/turtle", "ttl", RDF, "Turtle", rdf=ox.RdfFormat.TURTLE,
           aliases=("application/x-turtle", "text/n3", "text/rdf+n3"), nicknames=("n3",),
           w3c=W3C + "Turtle"),
    # for an RDF document, JSON-LD is the JSON a client asking for JSON can read
    Format("jsonld", "application/ld+json", "jsonld", RDF, "JSON-LD", rdf=ox.RdfFormat.JSON_LD,
           aliases=("application/json", "application/x-json+ld"), nicknames=("json-ld", "json"),
           w3c=W3C + "JSON-LD"),
    Format("ntriples", "application/n-triples", "nt", RDF, "N-Triples",
           rdf=ox.RdfFormat.N_TRIPLES, nicknames=("n-triples",),
           w3c=W3C + "N-Triples"),
    Format("rdfxml", "application/rdf+xml", "rdf", RDF, "RDF/XML", rdf=ox.RdfFormat.RDF_XML,
           nicknames=("rdf+xml", "xml"), w3c=W3C + "RDF_XML"),
    Format("nquads", "application/n-quads", "nq", RDF, "N-Quads", rdf=ox.RdfFormat.N_QUADS,
           quads=True, nicknames=("n-quads",), w3c=W3C + "N-Quads"),
    Format("trig", "application/trig", "trig", RDF, "TriG", rdf=ox.RdfFormat.TRIG, quads=True,
           w3c=W3C + "TriG"),
    Format("json", "application/sparql-results+json", "srj", RESULTS, "SPARQL JSON",
           results=ox.QueryResultsFormat.JSON, aliases=("application/json",),
           w3c=W3C + "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", "srx", RESULTS, "SPARQL XML",
           results=ox.QueryResultsFormat.XML, aliases=("application/xml",),
           w3c=W3C + "SPARQL_Results_XML"),
    Format("csv", "text/csv", "csv", RESULTS, "CSV", results=ox.QueryResultsFormat.CSV,
           w3c=W3C + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "tsv", RESULTS, "TSV",
           results=ox.QueryResultsFormat.TSV, w3c=W3C + "SPARQL_Results_TSV"),
    Format("html", "text/html", "html", PAGE, "HTML", aliases=("application/xhtml+xml",)),
    Format("gzip", "application/gzip", "gz", FILE, "gzip", aliases=("application/x-gzip",)),
    Format("text", "text/plain", "txt", FILE, "Plain text"),
    Format("jsondoc", "application/json", "json", FILE, "JSON"),
)  # fmt: skip
BY_NAME = {f.name: f for f in FORMATS}


_NOT_IN_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def check_representable(fmt: Format, body: bytes) -> bytes:
    """``body``, unless ``fmt`` is XML and the body holds a control character XML 1.0
    cannot carry, not even as a character reference (a string may hold U+0000): such a
    document no XML parser reads, so the client is told to ask for another format."""
    if fmt.media_type.endswith("xml") and (found := _NOT_IN_XML.search(body)):
        raise UsageError(
            f"the result holds U+{found.group()[0]:04X}, a control character XML cannot carry",
            hint="ask for JSON (application/sparql-results+json, or JSON-LD for a graph)",
        )
    return body


def by_name(name: str, kinds: Sequence[str] | None = None) -> Format:
    """The format called ``name`` (or with that extension); 400 when it is not offered."""
    for fmt in FORMATS:
        if name in (fmt.name, fmt.extension) and (kinds is None or fmt.kind in kinds):
            return fmt
    offered = [f.name for f in FORMATS if kinds is None or f.kind in kinds]
    raise UnknownFormat(f"unknown format {name!r}; offered: {', '.join(offered)}")


class UnknownFormat(UsageError):
    """A ``format=`` or ``--format`` value that names nothing offered here."""

    code = "unknown-format"


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How closely this range matches ``media_type``: None if not at all, higher is closer."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return None
        return 3 if self.params else 2


@functools.lru_cache(maxsize=512)  # clients send few distinct headers, each request one
def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """Parse an Accept header; malformed members are skipped, as RFC 9110 lets servers do."""
    ranges = []
    for member in header.split(","):
        pieces = [p.strip() for p in member.split(";")]
        kind, _, sub = pieces[0].lower().partition("/")
        if not kind or not sub:
            continue
        q, params = 1.0, []
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            key = key.strip().lower()
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
            elif key and key != "charset":
                params.append((key, value.strip().strip('"')))
        ranges.append(MediaRange(kind, sub, tuple(params), q))
    return tuple(ranges)


def negotiate(accept: str | None, offered: Sequence[Format]) -> Format:
    """Pick the offered format the client prefers; ties go to the server's order.

    For each offered format the most specific matching range decides its q
    (``*/*`` < ``type/*`` < ``type/subtype`` < with parameters); q=0 excludes it.
    No Accept header means the first offered format.
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    choice = None
    for position, fmt in enumerate(offered):
        q = _quality(fmt, ranges)
        if q > 0 and (best is None or (q, -position) > best):
            best, choice = (q, -position), fmt
    if choice is None:
        raise NotAcceptable([f.media_type for f in offered])
    return choice


def _quality(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    best_specificity, quality = -1, 0.0
    for media_type in (fmt.media_type, *fmt.aliases):
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity is not None and specificity > best_specificity:
                best_specificity, quality = specificity, media_range.q
    return quality


def choose(offered: Sequence[Format], *, accept: str | None, explicit: str | None) -> Format:
    """``?format=`` when given (it must name one of ``offered``), else ``negotiate``."""
    if explicit:
        for fmt in offered:
            if explicit in (fmt.name, fmt.extension):
                return fmt
        names = ", ".join(f.name for f in offered)
        raise UnknownFormat(f"unknown format {explicit!r}; offered: {names}")
    return negotiate(accept, offered)


def from_parameters(values: Sequence[str], offered: Sequence[Format]) -> Format | None:
    """The offered format that ``format=``, ``output=`` or ``results=`` values name, the
    last that fits winning; None when none fits (the caller then negotiates on Accept).

    Clients send short names (``json``, ``tsv``), other endpoints' names (``rdf+xml``,
    ``json-ld``, ``n3``), media types, and sometimes a comma-separated Accept value
    (SPARQLWrapper sends ``format=tsv&format=text/tab-separated-values``). A name fits
    the query's form: ``json`` is SPARQL JSON for a SELECT and JSON-LD for a CONSTRUCT."""
    for value in reversed(values):
        for piece in value.split(","):
            wanted = piece.split(";")[0].strip().lower()
            for fmt in offered:
                if wanted in (fmt.name, fmt.extension, fmt.media_type, *fmt.aliases,
                              *fmt.nicknames):  # fmt: skip
                    return fmt
    return None


def by_media_type(content_type: str, kinds: Sequence[str]) -> Format | None:
    """The format of these kinds a ``Content-Type`` names (parameters and case ignored)."""
    media_type = content_type.split(";")[0].strip().lower()
    return next(
        (f for f in FORMATS if f.kind in kinds and media_type in (f.media_type, *f.aliases)), None
    )


def accept_header(*preferred: Format) -> str:
    """An ``Accept`` header asking for ``preferred``, most wanted first."""
    return ", ".join(
        f.media_type if i == 0 else f"{f.media_type};q={1 - i / 10:.1f}"
        for i, f in enumerate(preferred)
    )


@functools.cache
def offered(kind: str) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.kind == kind)
