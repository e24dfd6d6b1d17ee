"""The query worker: a separate process that runs SPARQL on a read-only store handle.

pyoxigraph cannot cancel a running query from Python, and some inputs crash its
whole process; so queries never run in the server process. Each worker answers
one job at a time over a pipe, and the server kills it when the job runs past its
deadline, when the client goes away, or when it dies. This module imports only
the standard library, pyoxigraph and the format table, so a worker starts fast
and small.
"""

from __future__ import annotations

import contextlib
import ctypes
import pickle
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.formats import BY_NAME
from kg.querytext import syntax_error_message

M_ARENA_MAX = -8  # glibc's mallopt parameter
DATABASE_DIR = "oxigraph"  # the same layout as kg.store; kept here to keep imports light


@dataclass(frozen=True, slots=True)
class Job:
    """One query for a worker: where the store is, what to run, how to answer."""

    build: str
    query: str
    format: str
    max_rows: int
    default_graph: tuple[str, ...] | None = None  # None: not named by the request
    named_graphs: tuple[str, ...] | None = None
    union: bool = True  # the default graph is the union of all graphs (nothing named)
    base_iri: str | None = None  # what relative IRIs in the query resolve against

    def to_wire(self) -> bytes:
        """The job as the bytes a worker reads: a pickled tuple (a slotted dataclass pickles
        through Python code, ten times slower than its fields do)."""
        return pickle.dumps(tuple(getattr(self, name) for name in self.__slots__), 5)

    @classmethod
    def from_wire(cls, data: bytes) -> Job:
        return cls(*pickle.loads(data))


OK, FAILED = b"o", b"e"  # a reply's first byte; then the result, or "kind\ttext" in UTF-8


def reply_error(kind: str, text: str) -> bytes:
    return FAILED + f"{kind}\t{text}".encode()


def read_reply(data: bytes) -> bytes | tuple[str, str]:
    """A worker's reply: the serialized result, or the error's (kind, text)."""
    if data[:1] == OK:
        return data[1:]
    kind, _, text = data[1:].decode().partition("\t")
    return kind, text


class TooManyRows(Exception):
    """A result longer than ``max_rows``; the message says how to get it anyway."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the result has more than {limit} rows (max_rows); "
            "add LIMIT and OFFSET to page through it, or download a dump"
        )


def worker_main(conn: Connection, memory_limit_mb: int) -> None:
    """Serve jobs until the pipe closes. A reply is ``OK`` and the serialized result, or
    ``reply_error(kind, text)``: bytes both ways, read and written by the event loop as
    they are."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _fewer_malloc_arenas()
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            job = Job.from_wire(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            if opened is None or opened[0] != job.build:
                opened = None
                _cap_address_space(None)
                opened = (job.build, ox.Store.read_only(f"{job.build}/{DATABASE_DIR}"))
                _cap_address_space(memory_limit_mb or None)
            reply = OK + execute(opened[1], job)
        except SyntaxError as exc:
            reply = reply_error("malformed-query", syntax_error_message(job.query, exc.msg))
        except TooManyRows as exc:
            reply = reply_error("result-too-large", str(exc))
        except MemoryError:
            reply = reply_error("query-failed", "the query needed more memory than allowed")
        except RuntimeError as exc:
            reply = _engine_error(exc)
        except (OSError, ValueError) as exc:
            reply = reply_error("query-failed", f"the query failed: {exc}")
        conn.send_bytes(reply)


def _engine_error(exc: RuntimeError) -> bytes:
    """Oxigraph raises RuntimeError both for what the query asks and the engine lacks
    (a function it does not know: the client's to change, 400) and for its own failures
    (500). Only the first kind says "is not supported"."""
    if "is not supported" in str(exc):
        return reply_error(
            "unsupported-feature",
            f"{exc}; this endpoint runs SPARQL 1.1 "
            "functions only (and GeoSPARQL's where the engine has them)",
        )
    return reply_error("query-failed", f"the query failed: {exc}")


def _cap_address_space(memory_limit_mb: int | None) -> None:
    """The backstop behind the pool's watch on resident memory, which polls and so can
    miss a fast or a single large allocation: once the store is open, the address space
    may grow only by the limit less what is already resident, so resident memory cannot
    pass the limit. (Opening a store reserves about a gigabyte for RocksDB's threads that
    it never touches; a fixed cap would have to allow that gigabyte to every query.)
    Only the soft limit moves, so it can be raised again before the next store opens."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = hard
    if memory_limit_mb:
        size, resident = _address_space_and_resident_bytes()
        soft = size + max(memory_limit_mb * 2**20 - resident, 0)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space_and_resident_bytes() -> tuple[int, int]:
    with open("/proc/self/statm", "rb") as statm:
        size, resident = statm.read().split()[:2]
    return int(size) * resource.getpagesize(), int(resident) * resource.getpagesize()


def _fewer_malloc_arenas() -> None:
    """glibc reserves 64 MiB of address space per thread arena; RocksDB's threads would
    make an idle worker reserve hundreds of MiB it never uses."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)


def execute(store: ox.Store, job: Job) -> bytes:
    """Run the job's query and serialize its result, refusing more than ``max_rows`` rows."""
    results = store.query(
        job.query,
        base_iri=job.base_iri,
        use_default_graph_as_union=job.union,
        default_graph=_nodes(job.default_graph),
        named_graphs=_nodes(job.named_graphs),
    )
    return serialize(results, job)


def _nodes(graphs: tuple[str, ...] | None) -> list[ox.NamedNode] | None:
    """None leaves the engine's choice; an empty tuple is an empty set of graphs."""
    return None if graphs is None else [ox.NamedNode(g) for g in graphs]


def serialize(results: object, job: Job) -> bytes:
    """A result in the job's format, refusing more than ``max_rows`` rows or triples.

    ``results`` is what pyoxigraph gives for a query: solutions, a boolean, or any
    iterable of triples (a remote store's CONSTRUCT is a list), so results from
    elsewhere are limited and written exactly as local ones.
    """
    fmt = BY_NAME[job.format]
    if isinstance(results, ox.QueryBoolean):
        return results.serialize(format=fmt.results)
    if isinstance(results, ox.QuerySolutions):
        return _capped_solutions(results, job.max_rows).serialize(format=fmt.results)
    triples = _capped(results, job.max_rows)  # type: ignore[arg-type]
    if fmt.quads:  # a graph result in a dataset format: the triples form the default graph
        triples = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return ox.serialize(triples, format=fmt.rdf)


def _capped(items, limit: int):
    for count, item in enumerate(items, start=1):
        if count > limit:
            raise TooManyRows(limit)
        yield item


def _capped_solutions(solutions: ox.QuerySolutions, limit: int) -> ox.QuerySolutions:
    """The solutions, read at most ``limit`` deep, as a re-serializable result set.

    pyoxigraph cannot build a result set from Python objects, so the rows go
    through SPARQL TSV (whose terms are exactly pyoxigraph's N-Triples forms)
    and are parsed back; any output format then comes from pyoxigraph's own
    serializers.
    """
    variables = solutions.variables
    lines = ["\t".join(str(v) for v in variables)]
    for solution in _capped(solutions, limit):
        lines.append("\t".join("" if solution[v] is None else str(solution[v]) for v in variables))
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
