"""A worker's reply read on the event loop: whole however it arrives, and never blocking."""

from __future__ import annotations

import asyncio
import multiprocessing
import struct
import threading
import time

import pytest
import uvloop

from kg.store.replies import ReplyReader

LOOPS = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


def read_on_loop(new_loop, receive) -> bytes:
    """One reply read from ``receive`` by a ReplyReader on a new event loop."""

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[bytes] = loop.create_future()
        loop.add_reader(receive.fileno(), ReplyReader(receive.fileno(), done).on_readable)
        try:
            return await asyncio.wait_for(done, timeout=20)
        finally:
            loop.remove_reader(receive.fileno())

    loop = new_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


@pytest.mark.parametrize("loop", LOOPS)
def test_a_reply_larger_than_the_socket_buffer_arrives_whole(loop):
    """A reply of several MiB fills the socket many times over while the worker still
    writes it: the reader takes each piece as it comes (a blocking ``recv_bytes`` on
    the loop's non-blocking socket failed here half-way with EAGAIN)."""
    receive, send = multiprocessing.Pipe()
    payload = bytes(range(256)) * (8 * 4096)  # 8 MiB

    def write() -> None:
        time.sleep(0.05)
        send.send_bytes(payload)

    threading.Thread(target=write, daemon=True).start()
    assert read_on_loop(LOOPS[loop], receive) == payload


@pytest.mark.parametrize("loop", LOOPS)
def test_a_reply_sent_in_dribs_and_the_long_header_are_read(loop):
    """Bytes a few at a time, and the 8-byte length that follows -1 for replies past 2 GiB."""
    receive, send = multiprocessing.Pipe()
    body = b"o" + b"x" * 1000
    framed = struct.pack("!i", -1) + struct.pack("!Q", len(body)) + body

    def write() -> None:
        for start in range(0, len(framed), 7):
            send._send(framed[start : start + 7])
            time.sleep(0.001)

    threading.Thread(target=write, daemon=True).start()
    assert read_on_loop(LOOPS[loop], receive) == body


def test_a_worker_that_ends_mid_reply_is_an_eof():
    receive, send = multiprocessing.Pipe()

    def write() -> None:
        send._send(struct.pack("!i", 100) + b"only part")
        send.close()

    threading.Thread(target=write, daemon=True).start()
    with pytest.raises(EOFError):
        read_on_loop(asyncio.new_event_loop, receive)
