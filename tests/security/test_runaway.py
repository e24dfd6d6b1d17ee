"""Runaway queries: each ends in an error within the time limit + 2 s, its work truly
stops, its memory is capped, and it never holds up cheap queries or pages."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import built_mini_server
from tests.processes import cpu_seconds, largest_rss_mb

TIMEOUT = 2.0
QUERY_MEMORY = 512  # MiB per worker
CHEAP = "ASK { ?s ?p ?o }"
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
RUNAWAYS = {
    "cartesian product": CARTESIAN,
    "ORDER BY RAND() over a product": (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY RAND() LIMIT 1"
    ),
    "property-path explosion": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x>|^!<urn:x>)* ?b . "
        "?c (!<urn:x>|^!<urn:x>)* ?d . ?e (!<urn:x>|^!<urn:x>)+ ?f }"
    ),
    "catastrophic regex over a product": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
        'FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i), "!"), "^(a+)+$|^(a|aa)*b")) }'
    ),
    "huge compiled regex": (
        'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "((((a{100}){100}){100}){100})")) }'
    ),
    "CONCAT doubling": 'SELECT (STRLEN(?x40) AS ?n) WHERE { BIND("ab" AS ?x0) '
    + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(40))
    + " }",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    limits = {"KG_QUERY_TIMEOUT": str(TIMEOUT), "KG_QUERY_MEMORY": str(QUERY_MEMORY),
              "KG_QUERY_WORKERS": "2", "KG_MAX_QUERIES": "16"}  # fmt: skip
    with built_mini_server(tmp_path_factory, "runaway", env=limits) as live:
        yield live


def wait_until_idle(server, client: httpx.Client, within: float = 5.0) -> None:
    """Until no query is in progress (the pool's own count), or fail."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        queries = client.get("/healthz").json()["queries"]
        if not any(queries.values()):
            return
        time.sleep(0.1)
    raise AssertionError(f"queries still in progress: {queries}")


def assert_workers_idle(server) -> None:
    """The query workers use no CPU: the stopped work is really gone."""
    time.sleep(0.3)  # replacements finish starting
    before = cpu_seconds(server.process.pid)
    time.sleep(1.0)
    assert cpu_seconds(server.process.pid) - before < 0.3


def timed_get(client: httpx.Client, path: str, **params) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.get(path, **params)
    return response, time.monotonic() - started


@pytest.mark.parametrize("query", RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_runaway_query_ends_in_time_with_its_work_stopped_and_memory_capped(server, client, query):
    peak = {"rss": 0.0}
    done = threading.Event()

    def watch_memory() -> None:
        while not done.is_set():
            peak["rss"] = max(peak["rss"], largest_rss_mb(server.process.pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch_memory)
    watcher.start()
    try:
        response, elapsed = timed_get(client, "/sparql", params={"query": query}, timeout=30)
    finally:
        done.set()
        watcher.join()

    assert elapsed < TIMEOUT + 2
    if response.status_code != 200:  # an engine may refuse early: an answer is fine too
        assert response.status_code in (400, 500, 503), response.text
        assert response.json()["error"] in ("timeout", "query-failed", "malformed-query")
        if response.status_code == 503:
            assert response.headers["retry-after"]
    assert peak["rss"] < QUERY_MEMORY + 64
    assert client.get("/sparql", params={"query": CHEAP}).json()["boolean"] is True
    wait_until_idle(server, client)
    assert_workers_idle(server)


def many_clients(server, count: int) -> httpx.Client:
    """One client with ``count`` connections: a fresh httpx client per request costs tens of
    milliseconds (TLS setup), enough to serialize a burst in the test itself."""
    return httpx.Client(base_url=server.url, limits=httpx.Limits(max_connections=count))


def test_twenty_clients_that_disconnect_early_free_their_work(server, client):
    def give_up_early(_: int) -> None:
        try:
            refused = burst.get("/sparql", params={"query": CARTESIAN}, timeout=0.3)
        except httpx.ReadTimeout:
            return  # gave up: the connection is closed
        # beyond max_queries (16) starting at once, a query is refused at once
        assert refused.status_code == 503 and refused.json()["error"] == "busy"

    with many_clients(server, 20) as burst, ThreadPoolExecutor(20) as clients:
        list(clients.map(give_up_early, range(20)))
    wait_until_idle(server, client, within=TIMEOUT)  # well before any deadline
    assert_workers_idle(server)


def test_thirty_heavy_queries_do_not_slow_a_cheap_query_or_a_page(server, client):
    def heavy(_: int) -> int:
        return burst.get("/sparql", params={"query": CARTESIAN}, timeout=30).status_code

    with many_clients(server, 30) as burst, ThreadPoolExecutor(30) as clients:
        heavies = clients.map(heavy, range(30))
        time.sleep(0.3)
        for _ in range(4):
            answer, query_time = timed_get(client, "/sparql", params={"query": CHEAP})
            page, page_time = timed_get(client, "/", headers={"accept": "text/html"})
            assert answer.status_code == 200 and page.status_code == 200
            assert query_time < 1.0 and page_time < 1.0, (query_time, page_time)
            time.sleep(0.3)
        statuses = set(heavies)
    # each heavy query ends in 503 (too busy, or stopped at the time limit), never a 500
    assert statuses == {503}
    wait_until_idle(server, client)
    assert_workers_idle(server)
