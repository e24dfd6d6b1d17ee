"""A worker's reply, read by the event loop as it arrives, never blocking the loop.

A worker writes its reply with ``Connection.send_bytes``: a 4-byte big-endian length
(-1, then an 8-byte length, past 2 GiB) and the bytes. A large reply arrives in
many pieces while the worker is still writing; the event loop's reader leaves the
socket non-blocking, so a blocking ``recv_bytes`` there fails half-way through
with EAGAIN (which once passed for a worker's death). ``ReplyReader`` takes what
the socket has each time it is readable, straight into one buffer of the reply's
size, and settles its future when the reply is whole, or with ``EOFError`` when
the worker's end closes first.
"""

from __future__ import annotations

import asyncio
import os
import struct

SHORT_HEADER = struct.Struct("!i")
LONG_HEADER = struct.Struct("!Q")  # follows a short header of -1
MAX_HEADER = SHORT_HEADER.size + LONG_HEADER.size


class ReplyReader:
    """Collects one framed reply from ``fd`` (set non-blocking here) into ``done``."""

    def __init__(self, fd: int, done: asyncio.Future[bytes]) -> None:
        os.set_blocking(fd, False)
        self.fd, self.done = fd, done
        self._header = bytearray()
        self._body: bytearray | None = None
        self._filled = 0

    def on_readable(self) -> None:
        """The socket has data (or was closed): read all it has now."""
        if self.done.done():
            return
        try:
            while not self.done.done() and self._read_some():
                pass
        except BlockingIOError:
            pass  # the rest is still on its way
        except OSError as exc:
            self.done.set_exception(exc)

    def _read_some(self) -> bool:
        """Read once; False when the socket has nothing more now."""
        if self._body is None:
            return self._read_header()
        view = memoryview(self._body)[self._filled :]
        count = os.readv(self.fd, [view])
        if count == 0:
            return self._closed()
        self._filled += count
        if self._filled == len(self._body):
            self.done.set_result(bytes(self._body))
        return True

    def _read_header(self) -> bool:
        """Read only as far as the header goes: the body's bytes go into their buffer."""
        long = len(self._header) >= SHORT_HEADER.size and self._short_size() == -1
        wanted = MAX_HEADER if long else SHORT_HEADER.size
        chunk = os.read(self.fd, wanted - len(self._header))
        if not chunk:
            return self._closed()
        self._header += chunk
        if len(self._header) < wanted:
            return True
        size = self._short_size()
        if size == -1:
            if len(self._header) < MAX_HEADER:
                return True  # the long length follows
            size = LONG_HEADER.unpack_from(self._header, SHORT_HEADER.size)[0]
        if size < 0:
            self.done.set_exception(OSError(f"bad reply length {size}"))
            return False
        self._body = bytearray(size)
        if size == 0:
            self.done.set_result(b"")
        return True

    def _short_size(self) -> int:
        return SHORT_HEADER.unpack_from(self._header)[0]

    def _closed(self) -> bool:
        """The worker's end closed before the reply was whole: the worker ended."""
        self.done.set_exception(EOFError("the worker closed its pipe"))
        return False
