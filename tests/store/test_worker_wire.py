"""What the server and a query worker say over the pipe: bytes both ways."""

from __future__ import annotations

from kg.store.worker import OK, Job, read_reply, reply_error


def test_a_job_comes_through_the_wire_whole():
    job = Job(build="/b", query="ASK {}", format="json", max_rows=10,
              default_graph=("http://g/1",), named_graphs=(), union=False,
              base_iri="http://h/sparql")  # fmt: skip
    assert Job.from_wire(job.to_wire()) == job


def test_a_reply_is_the_result_or_the_error():
    assert read_reply(OK + b"<a> <b> <c> .\n") == b"<a> <b> <c> .\n"
    assert read_reply(OK) == b""
    assert read_reply(reply_error("malformed-query", "line 1\tcolumn 2 ✗")) == (
        "malformed-query", "line 1\tcolumn 2 ✗")  # fmt: skip
