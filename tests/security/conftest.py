"""Shared pieces of the security suite: one served copy of the mini project (with its
dumps), a loopback listener that counts every connection made to it, requests sent
byte for byte as written, and the checks that an answer leaks nothing.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11
import pytest

from kg.config import Settings
from tests.conftest import REPO, LiveServer, start_server, stop_server
from tests.projects import dumped_project

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
QUERY_TIMEOUT = 2.0
MAX_BODY = 65_536
SERVER_ENV = {"KG_QUERY_TIMEOUT": str(QUERY_TIMEOUT), "KG_MAX_BODY": str(MAX_BODY),
              "KG_QUERY_WORKERS": "2"}  # fmt: skip
# what a leaked file would show: /etc/passwd, the repository's own files, the project's
FILE_CONTENT = ("root:x:0:0", "root:", "[build-system]", "[project]", 'base_iri = "')
LEAKS = re.compile(
    r"Traceback|File \"|\b[A-Z][a-zA-Z]+(?:Error|Exception)\b|KgError|pyoxigraph"
    r"|site-packages|\.venv|/tmp/|" + re.escape(str(REPO))
)


@pytest.fixture(scope="session")
def served_project(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The mini project, built and dumped, as the target of every security test."""
    return dumped_project(tmp_path_factory.mktemp("security") / "mini", edge_cases=False)


@pytest.fixture(scope="session")
def server(served_project: Settings) -> Iterator[LiveServer]:
    live = start_server(served_project.project, env=SERVER_ENV)
    yield live
    stop_server(live)


class Listener:
    """A loopback TCP server that counts connections; it answers each with an empty 200."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.hits = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def settled_hits(self) -> int:
        """The count once any connection already on its way has arrived."""
        time.sleep(0.2)
        return self.hits

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def raw_request(
    server: LiveServer, target: bytes | str, *, method: str = "GET",
    headers: dict[str, str] | None = None, body: bytes = b"", timeout: float = 10,
) -> RawResponse:  # fmt: skip
    """Send a request exactly as written (clients normalise ``..`` and refuse odd bytes)
    and read the answer with h11; the connection is closed afterwards."""
    address = urlsplit(server.url)
    target = target.encode("latin-1") if isinstance(target, str) else target
    lines = [f"{method} ".encode() + target + b" HTTP/1.1", f"Host: {address.netloc}".encode()]
    all_headers = {"Connection": "close", "Accept-Encoding": "identity"} | (headers or {})
    if body and "Content-Length" not in all_headers:
        all_headers["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}".encode() for name, value in all_headers.items()]
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        return _read_response(sock)


def _read_response(sock: socket.socket) -> RawResponse:
    parser = h11.Connection(our_role=h11.CLIENT)
    parser.send(h11.Request(method="GET", target="/", headers=[("Host", "x")]))  # to expect a reply
    status, headers, body = 0, {}, b""
    while True:
        event = parser.next_event()
        if event is h11.NEED_DATA:
            parser.receive_data(sock.recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
            headers = {k.decode().lower(): v.decode("latin-1") for k, v in event.headers}
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            return RawResponse(status, headers, body)


def assert_alive(server: LiveServer) -> None:
    """The server still answers a query after whatever came before."""
    with server.client() as http:
        response = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


def assert_no_file_content(body: str | bytes, where: str = "") -> None:
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    for marker in FILE_CONTENT:
        assert marker not in text, f"{where}: file content {marker!r} in the answer"


def assert_no_leak(body: str | bytes, where: str = "") -> None:
    """No traceback, exception class, engine name or server path in an error body."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    found = LEAKS.search(text)
    assert found is None, f"{where}: {found.group()!r} leaks in {text[:300]!r}"
