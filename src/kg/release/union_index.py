"""The parts database, and what the union of all graphs needs beyond the sum of its parts.

Two facts cross graphs: a subject described in several graphs (its statements must be
merged into one group of the union dumps), and an object used in several graphs (VoID
counts it once). An SQLite file beside the parts holds, for every part counted, its
subjects and a reference count of every object; a release adds the new parts and
takes out the gone ones, so one changed article costs a few hundred rows, not a
pass over the dataset. The parts themselves are rows of the same SQLite file
(``kg.release.parts.PartStore``). SQLite is in the standard library and keeps it all on
disk, in one transaction, so memory stays bounded and a failed release changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.release.parts import Blobs, Part, PartStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS parts (key TEXT PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS current (graph TEXT PRIMARY KEY, key TEXT, stats TEXT);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS counted (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS subjects (term BLOB, key TEXT, PRIMARY KEY (term, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subjects_by_key ON subjects (key);
CREATE TABLE IF NOT EXISTS objects (term BLOB PRIMARY KEY, parts INTEGER) WITHOUT ROWID;
"""
FILE = "parts.sqlite"
PRAGMAS = "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;"
"""A cache of what can be made again: no journal file and no sync to disk (a damaged
file is noticed and replaced), and 64 MiB of page cache for the indexes."""


class UnionIndex:
    """Subjects per part and objects' reference counts, for the parts of one release."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def sync(self, parts: Iterable[Part], store: PartStore) -> None:
        """Count exactly ``parts``: add the new ones, take out those no longer there (still
        kept until ``PartStore.keep``)."""
        wanted = {p.key for p in parts}
        counted = {key for (key,) in self.db.execute("SELECT key FROM counted")}
        gone = counted - wanted
        if any(not store.has(key) for key in gone):
            self._reset()  # a part is lost: count everything again
            counted, gone = set(), set()
        for key in sorted(gone):
            self._change(store.read(key)["objects"], -1)
            self.db.execute("DELETE FROM subjects WHERE key = ?", (key,))
            self.db.execute("DELETE FROM counted WHERE key = ?", (key,))
        for key in sorted(wanted - counted):
            self._count(key, store.read(key))
        self.db.execute("DELETE FROM objects WHERE parts <= 0")

    def add(self, key: str, blobs: Blobs) -> None:
        """Count a part as it is made, from the bytes at hand: ``sync`` then need not read
        it back (at 10,000 fresh parts, 2.5 GB from SQLite)."""
        if self.db.execute("SELECT 1 FROM counted WHERE key = ?", (key,)).fetchone() is None:
            self._count(key, blobs)

    def _count(self, key: str, blobs: Blobs) -> None:
        terms = blobs["subjects"].split(b"\n")
        self.db.executemany("INSERT INTO subjects VALUES (?, ?)",
                            ((t, key) for t in terms if t))  # fmt: skip
        self._change(blobs["objects"], +1)
        self.db.execute("INSERT INTO counted VALUES (?)", (key,))

    def _change(self, objects: bytes, step: int) -> None:
        self.db.executemany(
            "INSERT INTO objects VALUES (?, ?) ON CONFLICT (term) DO UPDATE "
            "SET parts = parts + excluded.parts",
            ((term, step) for term in objects.split(b"\n") if term),
        )

    def _reset(self) -> None:
        self.db.executescript("DELETE FROM counted; DELETE FROM subjects; DELETE FROM objects;")

    def distinct_objects(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM objects").fetchone()[0]

    def shared_subjects(self) -> dict[bytes, set[str]]:
        """Subjects that more than one part describes, with the keys of those parts."""
        rows = self.db.execute(
            "SELECT term, group_concat(key, ' ') FROM subjects GROUP BY term HAVING COUNT(*) > 1"
        )
        return {term: set(keys.split(" ")) for term, keys in rows}


@contextmanager
def parts_database(directory: Path) -> Iterator[sqlite3.Connection]:
    """The parts and the union index in ``directory``, changed in one transaction: kept
    only if the block ends without an error, so a failed release leaves them as the last
    good one left them."""
    directory.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(directory / FILE, isolation_level=None)
    try:
        try:
            db.executescript(PRAGMAS + SCHEMA)
        except sqlite3.DatabaseError:  # damaged: it only keeps what can be made again
            db.close()
            (directory / FILE).unlink()
            db = sqlite3.connect(directory / FILE, isolation_level=None)
            db.executescript(PRAGMAS + SCHEMA)
        db.execute("BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.close()
