"""The per-client rate limit: 429 with Retry-After, per client address, loopback exempt
unless configured otherwise, and one limit per real client behind a trusted proxy."""

from __future__ import annotations

import pytest

from kg.serve.ratelimit import TokenBuckets
from tests.conftest import built_mini_server

PER_MINUTE = 60  # a burst of 10, then one a second
ASK = {"query": "ASK { ?s ?p ?o }"}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_the_rate():
    clock = Clock()
    buckets = TokenBuckets(PER_MINUTE, clock=clock)
    assert [buckets.take("a") for _ in range(10)] == [0.0] * 10
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # another client has its own bucket
    clock.now += 1.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    env = {"KG_RATE_LIMIT": str(PER_MINUTE), "KG_RATE_LIMIT_EXEMPT": ""}
    with built_mini_server(tmp_path_factory, "limited", env=env) as live:
        yield live


@pytest.fixture(scope="module")
def exempt(tmp_path_factory):
    with built_mini_server(tmp_path_factory, "exempt", env={"KG_RATE_LIMIT": "60"}) as live:
        yield live


def test_a_client_over_the_limit_gets_429_with_retry_after(limited):
    with limited.client() as client:
        forwarded = {"x-forwarded-for": "198.51.100.7", "origin": "https://app.example"}
        answers = [client.get("/sparql", params=ASK, headers=forwarded) for _ in range(11)]
        assert [a.status_code for a in answers[:10]] == [200] * 10
        refused = answers[10]
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"] == "rate-limited"
        assert "dump" in refused.json()["hint"]
        assert refused.headers["access-control-allow-origin"] == "*"
        assert client.get("/healthz", headers=forwarded).status_code == 200  # never limited
        page = client.get("/sparql", params=ASK, headers={**forwarded, "accept": "text/html"})
        assert page.status_code == 429 and "<html" in page.text.lower()


def test_clients_behind_a_trusted_proxy_are_limited_one_by_one(exempt):
    """uvicorn takes the client from X-Forwarded-For when the peer is a trusted proxy
    (127.0.0.1 by default): loopback is exempt, the clients behind it are not."""
    with exempt.client() as client:
        direct = [client.get("/sparql", params=ASK).status_code for _ in range(30)]
        assert direct == [200] * 30
        first = {"x-forwarded-for": "203.0.113.5"}
        second = {"x-forwarded-for": "203.0.113.6"}
        statuses = [client.get("/sparql", params=ASK, headers=first).status_code for _ in range(12)]
        assert statuses[:10] == [200] * 10 and 429 in statuses[10:]
        assert client.get("/sparql", params=ASK, headers=second).status_code == 200
