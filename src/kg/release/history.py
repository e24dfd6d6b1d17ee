"""Releases: every dump of a changed dataset is a release, with the RDF Patch that turns
the previous release into it, kept across builds and published with the dumps.

A patch is RDF Patch, the format RDF Delta and Fuseki read: ``H id`` and ``H prev``
headers naming the releases (``urn:kg:release:{version}``), one transaction (``TX`` …
``TC``), ``D`` lines for the quads the release removed, then ``A`` lines for those it
added, each an N-Quads statement after its two-character tag (full IRIs, no prefixes;
blank nodes with the graph's canonical labels, as in the dumps). Applied in order to a
release's ``dataset.nq.gz``, a mirror gets the next one's statements exactly.

The history lives beside the store (``.kg/store.releases/``: ``releases.json`` and the
patches), never in the parts cache, which may be thrown away: a lost history cannot
be made again. The first release, and one whose previous release's parts were not
kept, has no patch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.files import write_atomically

HISTORY_FILE = "releases.json"
PATCH_SUFFIX = ".rdfp"
PATCH_MEDIA_TYPE = "application/rdf-patch"


@dataclass(frozen=True)
class Release:
    """One release: what it is, when, and what changed since the one before."""

    number: int
    version: str
    time: str
    triples: int
    graphs: int
    previous: str | None = None
    added: list[str] = field(default_factory=list)  # graphs new in this release
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    patch: str | None = None  # the patch file's name, in the history directory
    patch_bytes: int = 0
    patch_sha256: str = ""
    quads_added: int = 0
    quads_removed: int = 0
    gone: list[dict[str, Any]] = field(default_factory=list)  # tombstones: iri, label, types

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Release:
        return cls(**data)


def release_iri(version: str) -> str:
    return f"urn:kg:release:{version}"


def release_node(base_iri: str, version: str) -> str:
    """The release as the dataset's DCAT names it: a ``dcat:Dataset`` of its own."""
    return f"{base_iri}dataset/release/{version}"


@dataclass(frozen=True)
class GraphChange:
    """One graph's lines before and after (sorted N-Triples; empty when absent)."""

    graph: str
    before: bytes
    after: bytes


class History:
    """The releases so far, oldest first, and their patches."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            data = json.loads((directory / HISTORY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = []
        self.releases = [Release.from_json(r) for r in data]

    @property
    def last(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    def patch_path(self, release: Release) -> Path | None:
        return self.directory / release.patch if release.patch else None

    def record(
        self, *, version: str, time: str, triples: int, graphs: int,
        changes: Iterable[GraphChange] | None, vocabulary: str = "",
    ) -> Release:  # fmt: skip
        """Add a release; ``changes`` (every graph whose lines differ) None when the
        previous release's lines are not known, so no patch can be made. ``vocabulary``,
        the ontology's namespace, lets a tombstone name the correction or retraction
        that removed its IRI."""
        last = self.last
        number = last.number + 1 if last else 1
        release = Release(number, version, time, triples, graphs,
                          previous=last.version if last else None)  # fmt: skip
        if last is not None and changes is not None:
            release = self._with_patch(release, last, changes, vocabulary)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.releases.append(release)
        write_atomically(self.directory / HISTORY_FILE,
               json.dumps([asdict(r) for r in self.releases], indent=1).encode())  # fmt: skip
        return release

    def _with_patch(self, release: Release, last: Release, changes: Iterable[GraphChange],
                    vocabulary: str) -> Release:  # fmt: skip
        name = f"{release.number:06d}-{release.version[:12]}{PATCH_SUFFIX}"
        added, changed, removed = [], [], []
        deletions, additions = [], []
        gone_here: list[dict[str, Any]] = []
        for change in changes:
            before = set(change.before.splitlines(keepends=True))
            after = set(change.after.splitlines(keepends=True))
            gone, new = sorted(before - after), sorted(after - before)
            if not gone and not new:
                continue
            (added if not before else removed if not after else changed).append(change.graph)
            gone_here += _tombstones(before, after, _reasons(change, after, vocabulary))
            graph = f" <{change.graph}> .\n".encode() if change.graph else b" .\n"
            deletions += [b"D " + line[: -len(b" .\n")] + graph for line in gone]
            additions += [b"A " + line[: -len(b" .\n")] + graph for line in new]
        head = (f"H id <{release_iri(release.version)}> .\n"
                f"H prev <{release_iri(last.version)}> .\nTX .\n").encode()  # fmt: skip
        body = head + b"".join(deletions) + b"".join(additions) + b"TC .\n"
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomically(self.directory / name, body)
        return Release(
            release.number,
            release.version,
            release.time,
            release.triples,
            release.graphs,
            previous=release.previous,
            added=added,
            changed=changed,
            removed=removed,
            patch=name,
            patch_bytes=len(body),
            patch_sha256=hashlib.sha256(body).hexdigest(),
            quads_added=len(additions),
            quads_removed=len(deletions),
            gone=gone_here,
        )

    def since(self, version: str | None) -> list[Release]:
        """The releases after ``version`` (all when None), newest first."""
        found = self.releases
        if version:
            at = next((i for i, r in enumerate(found) if r.version.startswith(version)), None)
            found = found[at + 1 :] if at is not None else []
        return list(reversed(found))


LABEL = b"<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _reasons(change: GraphChange, after: set[bytes], vocabulary: str) -> Reasons:
    """Why IRIs left this graph, as the graph now says: the article's retraction (for
    all of them), or the corrections that name what they withdrew (``kgo:corrects``)."""
    if not vocabulary:
        return Reasons()
    retraction = f"<{change.graph}> <{vocabulary}retraction> ".encode()
    corrects = f" <{vocabulary}corrects> <".encode()
    reasons = Reasons()
    for line in after:
        if line.startswith(retraction):
            reasons.retraction = line[len(retraction) + 1 : -len(b"> .\n")].decode()
        elif corrects in line and line.startswith(b"<"):
            correction, _, rest = line.partition(corrects)
            reasons.corrections[b"<" + rest[: -len(b" .\n")]] = correction[1:-1].decode()
    return reasons


@dataclass
class Reasons:
    """The correction or retraction that removed an IRI, by the IRI as a line writes it."""

    retraction: str | None = None
    corrections: dict[bytes, str] = field(default_factory=dict)

    def of(self, subject: bytes) -> str | None:
        return self.corrections.get(subject) or self.retraction


def _tombstones(before: set[bytes], after: set[bytes], reasons: Reasons
                ) -> list[dict[str, Any]]:  # fmt: skip
    """The IRIs that were subjects before and are none after, with their label, types
    and the reason they went: what a removed IRI's 410 says it was and why."""
    gone = _subjects(before) - _subjects(after)
    found: dict[bytes, dict[str, Any]] = {s: {"iri": s[1:-1].decode()} for s in gone}
    for subject, tombstone in found.items():
        if reason := reasons.of(subject):
            tombstone["reason"] = reason
    for line in sorted(before):
        subject, predicate, rest = line.split(b" ", 2)
        if subject not in found:
            continue
        value = rest[: -len(b" .\n")]
        if predicate == LABEL and "label" not in found[subject] and value.startswith(b'"'):
            found[subject]["label"] = json.loads(value[: value.rindex(b'"') + 1])
        elif predicate == TYPE:
            found[subject].setdefault("types", []).append(value[1:-1].decode())
    return [found[s] for s in sorted(found)]


def _subjects(lines: set[bytes]) -> set[bytes]:
    return {line.split(b" ", 1)[0] for line in lines if line.startswith(b"<")}


def apply_patch(quads: Iterable[bytes], patch: bytes) -> Iterator[bytes]:
    """N-Quads lines after a patch: its ``D`` lines taken out, its ``A`` lines added, in
    the dumps' order (graph, then statement). For mirrors and for the tests."""
    current = set(quads)
    for line in patch.splitlines(keepends=True):
        if line.startswith(b"D "):
            current.discard(line[2:])
        elif line.startswith(b"A "):
            current.add(line[2:])
    yield from sorted(current, key=nquads_order)


def nquads_order(line: bytes) -> tuple[bytes, bytes]:
    """The dumps' order of an N-Quads line: its graph's IRI, then the statement. The graph
    is the last term (an IRI holds no space; kg puts no statement in the default graph)."""
    body, _, graph = line[: -len(b" .\n")].rpartition(b" ")
    return graph, body


def as_text(releases: list[Release]) -> str:
    """One paragraph per release, newest first, for ``kg changes``."""
    if not releases:
        return "no releases"
    blocks = []
    for r in releases:
        head = f"release {r.number}  {r.version[:12]}  {r.time}  {r.triples:,} triples"
        lines = [head, f"  previous {r.previous[:12]}" if r.previous else "  the first release"]
        for word, graphs in (("added", r.added), ("changed", r.changed), ("removed", r.removed)):
            lines += [f"  {word} {graph}" for graph in graphs]
        if r.gone:
            why = sorted({t["reason"] for t in r.gone if "reason" in t})
            iris = f"{len(r.gone):,} IRI" + ("s" if len(r.gone) > 1 else "")
            lines.append(f"  {iris} removed, answering 410 Gone"
                         + (f" (by {', '.join(why)})" if why else ""))  # fmt: skip
        if r.patch:
            lines.append(f"  patch {r.patch}: {r.quads_removed:,} removed, "
                         f"{r.quads_added:,} added ({r.patch_bytes:,} bytes)")  # fmt: skip
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def as_activities(releases: list[Release], *, base: str, page: int = 1, size: int = 50
                  ) -> dict[str, Any]:  # fmt: skip
    """An ActivityStreams 2.0 ``OrderedCollectionPage`` of releases, newest first:
    ``base`` is the feed's address, ``page`` counts from 1."""
    start = (page - 1) * size
    items = releases[start : start + size]
    document: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{base}?page={page}", "type": "OrderedCollectionPage",
        "partOf": {"id": base, "type": "OrderedCollection", "totalItems": len(releases)},
        "orderedItems": [_activity(r, base) for r in items],
    }  # fmt: skip
    if start + size < len(releases):
        document["next"] = f"{base}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{base}?page={page - 1}"
    return document


def _activity(r: Release, base: str) -> dict[str, Any]:
    graphs = [{"type": "Link", "href": g, "name": word}
              for word, touched in (("added", r.added), ("changed", r.changed),
                                    ("removed", r.removed)) for g in touched]  # fmt: skip
    activity: dict[str, Any] = {
        "id": release_iri(r.version), "type": "Update" if r.previous else "Create",
        "name": f"Release {r.number}", "published": r.time,
        "summary": f"{r.triples:,} triples in {r.graphs:,} graphs; "
        f"{len(r.added)} graphs added, {len(r.changed)} changed, {len(r.removed)} removed",
        "object": {"type": "Dataset", "id": release_iri(r.version), "version": r.version},
        "tag": graphs,
    }  # fmt: skip
    if r.patch:
        activity["attachment"] = {"type": "Link", "href": f"{base}/{r.patch}",
                                  "mediaType": PATCH_MEDIA_TYPE}  # fmt: skip
    return activity


def as_atom(releases: list[Release], *, base: str, title: str) -> str:
    """The releases as an Atom feed (RFC 4287), newest first."""
    updated = releases[0].time if releases else "1970-01-01T00:00:00Z"
    entries = []
    for r in releases:
        links = "".join(f"\n    <link rel=\"related\" href={quoteattr(g)} title=\"{word}\"/>"
                        for word, touched in (("added", r.added), ("changed", r.changed),
                                              ("removed", r.removed)) for g in touched)  # fmt: skip
        if r.patch:
            href = quoteattr(f"{base}/{r.patch}")
            links += (f"\n    <link rel=\"enclosure\" type=\"{PATCH_MEDIA_TYPE}\" "
                      f"href={href} length=\"{r.patch_bytes}\"/>")  # fmt: skip
        summary = _activity(r, base)["summary"]
        entries.append(
            f"  <entry>\n    <id>{release_iri(r.version)}</id>\n"
            f"    <title>Release {r.number}</title>\n    <updated>{r.time}</updated>\n"
            f"    <summary>{escape(summary)}</summary>{links}\n  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{escape(base)}</id>\n  <title>{escape(title)}: releases</title>\n"
        f'  <updated>{updated}</updated>\n  <link rel="self" href={quoteattr(base)}/>\n'
        + "".join(entries)
        + "</feed>\n"
    )


def as_dcat(releases: list[Release], *, base_iri: str, feed: str) -> list[Any]:
    """The releases in DCAT 3 as pyoxigraph triples: each a ``dcat:Dataset`` with its
    ``dcat:version``, ``dcat:previousVersion`` and its patch as a ``dcat:Distribution``."""
    dcat, dcterms = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    xsd = "http://www.w3.org/2001/XMLSchema#"

    def node(version: str) -> ox.NamedNode:
        return ox.NamedNode(release_node(base_iri, version))

    def add(subject: Any, predicate: str, value: Any) -> None:
        triples.append(ox.Triple(subject, ox.NamedNode(predicate), value))

    triples: list[Any] = []
    dataset = ox.NamedNode(f"{base_iri}dataset")
    for r in releases:
        release = node(r.version)
        add(dataset, dcat + "hasVersion", release)
        add(
            release,
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            ox.NamedNode(dcat + "Dataset"),
        )
        add(release, dcterms + "title", ox.Literal(f"Release {r.number}"))
        add(release, dcat + "version", ox.Literal(r.version))
        add(
            release, dcterms + "issued", ox.Literal(r.time, datatype=ox.NamedNode(xsd + "dateTime"))
        )
        if r.previous:
            add(release, dcat + "previousVersion", node(r.previous))
        if r.patch:
            patch = ox.NamedNode(f"{feed}/{r.patch}")
            add(release, dcat + "distribution", patch)
            add(
                patch,
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                ox.NamedNode(dcat + "Distribution"),
            )
            add(patch, dcat + "downloadURL", patch)
            add(patch, dcterms + "format", ox.Literal(PATCH_MEDIA_TYPE))
            add(
                patch,
                dcat + "byteSize",
                ox.Literal(str(r.patch_bytes), datatype=ox.NamedNode(xsd + "nonNegativeInteger")),
            )
    return triples
