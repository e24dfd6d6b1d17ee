"""Fixture chain: settings -> project dir -> built store -> app/server -> client.

Everything is real: real project files copied to a temporary directory, real
builds into real Oxigraph stores, `kg` run as a subprocess, the server on loopback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.build.pipeline import build
from kg.config import Settings
from kg.namespaces import sparql_prologue
from kg.store import open_store
from kg.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KG = [sys.executable, "-m", "kg"]


def run_kg(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run the real `kg` command in a subprocess and capture what it prints."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    full_env.update(env or {})
    return subprocess.run(
        [*KG, *map(str, args)], cwd=cwd, env=full_env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def eventually(probe: Callable[[], object], expected: object, *, within: float = 5.0) -> object:
    """What ``probe()`` answers once it answers ``expected``, or its last answer at the
    deadline. A server follows a build made by another process within a fraction of a
    second (``LINK_CHECK_SECONDS``), not at once: tests of that wait for it."""
    deadline = time.monotonic() + within
    while (answer := probe()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return answer


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A fresh copy of the minimal test project."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target, ignore=shutil.ignore_patterns(".kg"))
    return target


@pytest.fixture
def mini_settings(mini_project: Path) -> Settings:
    return Settings.load(mini_project, env={})


@pytest.fixture
def mini_store(mini_settings: Settings) -> EmbeddedStore:
    build(mini_settings, progress=False)
    return open_store(mini_settings)


@dataclass
class QueryableStore:
    """A built store with helpers that return plain Python values, for readable tests."""

    store: EmbeddedStore
    settings: Settings

    def _full(self, query: str) -> str:
        return sparql_prologue(self.settings.base_iri) + query

    def select(self, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, str]]:
        results = self.store.query(self._full(query), bindings=bindings or None)
        names = [v.value for v in results.variables]
        return [
            {n: solution[n].value for n in names if solution[n] is not None} for solution in results
        ]

    def ask(self, query: str, **bindings: ox.NamedNode | ox.Literal) -> bool:
        return bool(self.store.query(self._full(query), bindings=bindings or None))


@pytest.fixture(scope="session")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Where the seed project's store and dumps go in tests: never into the repository."""
    root = tmp_path_factory.mktemp("seed")
    return {"store": str(root / "store"), "dist": str(root / "dist")}


@pytest.fixture(scope="session")
def seed_settings(seed_outputs: dict[str, str]) -> Settings:
    """The repository's own project, built into a temporary store."""
    return Settings.load(REPO, env={}, overrides=seed_outputs)


@pytest.fixture(scope="session")
def seed_store(seed_settings: Settings) -> QueryableStore:
    """The seed project built and dumped, as `kg build` does."""
    from kg.release.dumps import write_dumps

    build(seed_settings, progress=False)
    store = open_store(seed_settings)
    write_dumps(seed_settings, store)
    return QueryableStore(store, seed_settings)


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The repository's ontology as an rdflib graph (for the ontology and shapes tests)."""
    graph = Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[str]
    log: Path | None = None  # what the server wrote (stdout and stderr)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)


def start_server(project: Path, *extra: str, env: dict[str, str] | None = None) -> LiveServer:
    """`kg serve` as a real process on loopback; waits until /healthz answers."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")} | (env or {})
    # the log goes to a file: an unread pipe fills up and blocks the server
    log = tempfile.NamedTemporaryFile(prefix="kg-serve-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [*KG, "serve", "--project", str(project), "--port", str(port), *extra],
        env=full_env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"kg serve exited: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return LiveServer(url, process, Path(log.name))
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("kg serve did not answer /healthz within 30 s")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def seed_server(seed_store: QueryableStore, seed_outputs: dict[str, str]) -> Iterator[LiveServer]:
    """`kg serve` on the built seed project."""
    env = {f"KG_{name.upper()}": path for name, path in seed_outputs.items()}
    server = start_server(REPO, env=env)
    yield server
    stop_server(server)


@pytest.fixture
def mini_server(mini_store: EmbeddedStore, mini_project: Path) -> Iterator[LiveServer]:
    server = start_server(mini_project)
    yield server
    stop_server(server)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client of the ``server`` fixture that the test module defines."""
    with server.client() as http:
        yield http


@contextmanager
def built_mini_server(
    factory: pytest.TempPathFactory, name: str, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """A fresh copy of the mini project, built and served (for module-scoped fixtures)."""
    project = factory.mktemp(name) / "mini"
    shutil.copytree(FIXTURES / "mini", project, ignore=shutil.ignore_patterns(".kg"))
    build(Settings.load(project, env={}), progress=False)
    server = start_server(project, env=env)
    try:
        yield server
    finally:
        stop_server(server)


class LinkParser(HTMLParser):
    """Every href and src of an HTML page, as written."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def links_in(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    return parser.found


CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1600",
    # no name resolves but loopback: a page that reaches out fails here, as in CI
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's chromium and chromium-driver, installed if missing)."""
    from tests.system import ensure_debian_packages

    ensure_debian_packages({"chromium": "chromium", "chromedriver": "chromium-driver"})
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()
