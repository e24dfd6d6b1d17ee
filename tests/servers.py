"""Real SPARQL servers for the tests, started and stopped by the tests themselves.

- Oxigraph server: the `oxigraph` program of the PyPI package (a test extra).
- Virtuoso Open Source 7: Debian's `virtuoso-opensource-7-bin` (the programs of the
  `virtuoso-opensource` package, without its system service), started in the
  foreground with a virtuoso.ini of our own: its database in a temporary
  directory, its SQL and HTTP ports free loopback ports.
- `RecordingProxy`: a small HTTP proxy on loopback in front of a server; it records
  every request it forwards, and can answer chosen ones with an error instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.conftest import free_port
from tests.system import ensure_debian_packages

VIRTUOSO_PACKAGES = {"virtuoso-t": "virtuoso-opensource-7-bin"}
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
; more than any max_rows a test sets, so the server never cuts a result on its own
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a fresh database's administrator


@dataclass(frozen=True)
class SparqlServer:
    """A running server and how kg addresses it: query endpoint, writes, credentials."""

    name: str
    url: str  # scheme://host:port
    query_path: str
    write: tuple[str, str]  # ("update" | "gsp", path)
    credentials: dict[str, str] = field(default_factory=dict)  # user, password, auth
    remote_dataset: str = "published"

    def query(self, url: str | None = None) -> str:
        return (url or self.url) + self.query_path

    def env(self, url: str | None = None) -> dict[str, str]:
        """The KG_* settings that publish to and serve from this server (maybe via a proxy)."""
        kind, path = self.write
        settings = {kind: (url or self.url) + path, **self.credentials,
                    "remote_dataset": self.remote_dataset}  # fmt: skip
        return {f"KG_{name.upper()}": value for name, value in settings.items()}

    def auth(self) -> httpx.Auth | None:
        if not self.credentials:
            return None
        return httpx.DigestAuth(self.credentials["user"], self.credentials["password"])


def oxigraph_binary() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    binary = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    assert binary, "the oxigraph server comes with the test extras (pip install -e '.[test]')"
    return binary


@contextmanager
def oxigraph_server(location: Path, *options: str) -> Iterator[str]:
    """`oxigraph serve` on a free loopback port; yields its base URL."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(location),
               "--bind", f"127.0.0.1:{port}", *options]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(f"{url}/query", process, seconds=20)
        yield url
    finally:
        _stop(process)


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[str]:
    """Virtuoso 7 in the foreground with a database in ``directory``; yields its base URL.

    Installs Debian's package first when it is missing and the tests run as root
    (as in CI); elsewhere the test is skipped with the command that installs it.
    """
    ensure_debian_packages(VIRTUOSO_PACKAGES)
    sql_port, http_port = free_port(), free_port()
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port))
    log = (directory / "console.log").open("w")
    process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=directory,
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_answering(f"{url}/sparql", process, seconds=90)
        yield url
    finally:
        _stop(process)
        log.close()


def _wait_until_answering(endpoint: str, process: subprocess.Popen, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            if httpx.get(endpoint, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process.args[0]} did not answer at {endpoint} within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def drop_graphs(server: SparqlServer, prefix: str) -> None:
    """Drop every graph whose name starts with ``prefix`` (a clean server for the next test)."""
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = httpx.post(server.query(), data={"query": query}, timeout=30,
                        headers={"accept": "application/sparql-results+json"})  # fmt: skip
    graphs = [b["g"]["value"] for b in answer.json()["results"]["bindings"]]
    kind, path = server.write
    with httpx.Client(auth=server.auth(), timeout=30) as client:
        for graph in (g for g in graphs if g.startswith(prefix)):
            if kind == "gsp":
                client.delete(server.url + path, params={"graph": graph})
            else:
                client.post(server.url + path, data={"update": f"DROP GRAPH <{graph}>"})


@dataclass(frozen=True)
class Forwarded:
    """One request the proxy saw, and the status it answered."""

    method: str
    path: str
    params: dict[str, list[str]]
    content_type: str
    body: bytes
    status: int

    @property
    def graph(self) -> str | None:
        """The graph a write names: GSP ``?graph=``, or the first ``GRAPH <…>`` of an update."""
        if "graph" in self.params:
            return self.params["graph"][0]
        match = re.search(rb"GRAPH\s*<([^>]*)>", self.body)
        return match.group(1).decode() if match else None

    @property
    def is_write(self) -> bool:
        return self.method in ("PUT", "DELETE") or "sparql-update" in self.content_type


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
               "accept-encoding", "content-encoding", "proxy-connection", "upgrade"}  # fmt: skip


class RecordingProxy:
    """Forwards every request to ``upstream`` and records it; ``fail`` may answer instead."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.seen: list[Forwarded] = []
        self.fail: Callable[[Forwarded], tuple[int, bytes] | None] | None = None
        self._client = httpx.Client(timeout=120)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def writes(self) -> list[Forwarded]:
        """The writes the server accepted (a digest challenge's 401 is not one)."""
        return [r for r in self.seen if r.is_write and r.status < 400]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                parts = urlsplit(self.path)
                seen = Forwarded(self.command, parts.path, parse_qs(parts.query),
                                 self.headers.get("content-type", ""), body, 0)  # fmt: skip
                failure = proxy.fail(seen) if proxy.fail else None
                if failure:
                    status, content, headers = failure[0], failure[1], {}
                else:
                    sent = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                    answer = proxy._client.request(self.command, proxy.upstream + self.path,
                                                   headers=sent, content=body)  # fmt: skip
                    status, content = answer.status_code, answer.content
                    headers = {k: v for k, v in answer.headers.items()
                               if k.lower() not in _HOP_BY_HOP}  # fmt: skip
                proxy.seen.append(replace(seen, status=status))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        return Handler
