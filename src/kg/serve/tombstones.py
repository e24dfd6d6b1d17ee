"""Tombstones: what an IRI a release removed answers, 410 Gone, and what it says.

The release history (``kg.release.history``) keeps, for each IRI a release removed,
its label and types and the correction or retraction that removed it. A 410 says so
to everyone: the JSON error body to programs, a page to browsers (what it was, which
release removed it with its patch, and why, as the store records the correction or
retraction), and to RDF clients the tombstone itself in PROV-O, in the format their
``Accept`` or the twin's path (``.ttl``…) names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from kg import formats
from kg.config import Settings
from kg.errors import Gone, NotAcceptable, NotFound
from kg.namespaces import STANDARD_PREFIXES, ontology_namespace, prefixes
from kg.release.history import Release, release_node
from kg.serve.changes import published_history
from kg.serve.resources import notices, run
from kg.serve.views import Labels, Links, notice_view
from kg.store import Store

GONE_FORMATS = tuple(
    formats.BY_NAME[n] for n in ("jsondoc", "turtle", "jsonld", "ntriples", "rdfxml")
)
JSON_BODY = GONE_FORMATS[0]  # kg's JSON error body, as for any error


@dataclass(frozen=True)
class Tombstone:
    """An IRI a release removed: what it was, the release, and why (``reason``, the IRI of
    the correction or retraction; ``reason_gone``, that record's own tombstone when a
    later release removed it too). ``asked`` is the format the request's path named (a
    twin such as ``.ttl``), which the 410 answers in."""

    iri: str
    release: Release
    label: str | None = None
    types: tuple[str, ...] = ()
    reason: str | None = None
    reason_gone: Tombstone | None = None
    asked: formats.Format | None = None


def missing(settings: Settings, iri: str, *, asked: formats.Format | None = None) -> NotFound:
    """What to answer for an IRI the store does not hold: 410 Gone with its tombstone when
    a release removed it (what it was, which release, when, why), else 404. ``asked``:
    the twin the request's path named, which the 410 then answers in."""
    _, releases = published_history(settings)
    found = _tombstone(releases, iri)
    if found is None:
        return NotFound(f"nothing in this dataset has the IRI <{iri}>")
    if found.reason:
        found = replace(found, reason_gone=_tombstone(releases, found.reason))
    release = found.release
    kinds = [t.rsplit("/", 1)[-1] for t in found.types
             if t.startswith(f"{settings.base_iri}ontology/")]  # fmt: skip
    what = found.label or iri
    was = f"{what} ({', '.join(kinds)})" if kinds else what
    why = f"; why: <{found.reason}>" if found.reason else ""
    return Gone(
        f"<{iri}> was removed from this dataset by release {release.number} on "
        f"{release.time}; it was: {was}{why}",
        hint=f"/changes lists what each release changed; release {release.number}'s "
        f"patch is /changes/{release.patch}"
        if release.patch
        else "/changes lists what each release changed",
        tombstone=replace(found, asked=asked),
    )


def _tombstone(releases: list[Release], iri: str) -> Tombstone | None:
    """The tombstone of the newest release that removed ``iri``."""
    for release in reversed(releases):
        found = next((t for t in release.gone if t["iri"] == iri), None)
        if found is not None:
            return Tombstone(iri, release, found.get("label"), tuple(found.get("types", ())),
                             found.get("reason"))  # fmt: skip
    return None


def gone_format(tombstone: Tombstone, accept: str | None) -> formats.Format | None:
    """The format a 410 answers in, None for kg's JSON error body. A twin's path names its
    format (a client asking for JSON only gets the error body; ``.jsonld`` answers JSON-LD,
    as its 200 does); a bare IRI answers the RDF format ``Accept`` prefers, and the JSON
    body to ``*/*``, to no ``Accept`` and to one that names nothing offered."""
    offered = (tombstone.asked, JSON_BODY) if tombstone.asked else GONE_FORMATS
    try:
        chosen = formats.negotiate(accept, offered)
    except NotAcceptable:
        return None
    return None if chosen is JSON_BODY else chosen


def tombstone_rdf(tombstone: Tombstone, fmt: formats.Format, base_iri: str) -> bytes:
    """The tombstone for machines: the IRI's label and types, when and by what it was
    invalidated (PROV-O), and the release that removed it, as /changes describes it."""
    rdfs, prov = STANDARD_PREFIXES["rdfs"], STANDARD_PREFIXES["prov"]
    node = ox.NamedNode(tombstone.iri)
    time = ox.Literal(tombstone.release.time,
                      datatype=ox.NamedNode(STANDARD_PREFIXES["xsd"] + "dateTime"))  # fmt: skip
    said: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        *([(rdfs + "label", ox.Literal(tombstone.label))] if tombstone.label else []),
        *[(STANDARD_PREFIXES["rdf"] + "type", ox.NamedNode(t)) for t in tombstone.types],
        (prov + "invalidatedAtTime", time),
        *([(prov + "wasInvalidatedBy", ox.NamedNode(tombstone.reason))]
          if tombstone.reason else []),
        (rdfs + "seeAlso", ox.NamedNode(release_node(base_iri, tombstone.release.version))),
    ]  # fmt: skip
    triples = [ox.Triple(node, ox.NamedNode(p), o) for p, o in said]
    return ox.serialize(triples, format=fmt.rdf, prefixes=prefixes(base_iri))


def tombstone_view(store: Store, settings: Settings, tombstone: Tombstone) -> dict[str, Any]:
    """What the 410 page shows: what the IRI was, the release that removed it with its
    patch, and why: the correction or retraction as the store records it, or, when a later
    release removed that record too, its own tombstone."""
    links, base = Links(settings.base_iri), settings.base_iri
    vocabulary = ontology_namespace(base)
    described = [t for kind in tombstone.types
                 for t in run(store, "describe", base, this=ox.NamedNode(kind))]  # fmt: skip
    labels = Labels(described, base)
    types = sorted(tombstone.types, key=lambda t: (not t.startswith(vocabulary), labels.of(t)))
    found = (notices(store, base, record=ox.NamedNode(tombstone.reason))
             if tombstone.reason else [])  # fmt: skip
    record = found[0] if found else None
    article = (record.article_label or record.article, links.href(record.article)
               ) if record and record.article else None  # fmt: skip
    path = urlsplit(links.href(tombstone.iri)).path
    release = tombstone.release
    return {
        "iri": tombstone.iri, "label": tombstone.label,
        "types": [(labels.of(t), links.href(t)) for t in types],
        "release": release,
        "patch": f"{links.base_path}changes/{release.patch}" if release.patch else None,
        "reason": tombstone.reason and links.href(tombstone.reason),
        "record": record and notice_view(record, links),
        "article": article,
        "reason_gone": tombstone.reason_gone,
        "twins": [(f.label, f"{path}.{f.extension}") for f in GONE_FORMATS[1:]],
    }  # fmt: skip
