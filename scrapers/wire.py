"""What a server really sent on a connection, next to what httpx parsed from it.

h11 reads exactly ``Content-Length`` body bytes and drops whatever follows (httpx issue 643
discusses the choice), so a server that declares fewer bytes than it sends yields a fragment
that looks like a complete 200. The crawler asks for ``Connection: close`` (one response per
connection) and counts the bytes each connection delivered, so after the declared body it can
tell whether the server had more to say.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

# h11 refuses a header block larger than 16 KiB, so the first bytes kept here always hold
# the whole head of the response (informational 1xx heads included, in practice).
HEAD_KEPT = 64 * 1024
# h11 ends a head at a blank line, CRLF or bare LF (its ReceiveBuffer uses the same rule).
BLANK_LINE = re.compile(rb"\n\r?\n")
INFORMATIONAL = re.compile(rb"HTTP/1\.[01] 1\d\d\b")


class WireStream(httpcore.AsyncNetworkStream):
    """A connection that counts the bytes it delivered and keeps the first of them."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self.received = 0
        self.closed = False
        self._head = bytearray()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._inner.read(max_bytes, timeout)
        self.received += len(data)
        if len(self._head) < HEAD_KEPT:
            self._head += data[: HEAD_KEPT - len(self._head)]
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        self.closed = True
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # httpcore reads from the stream start_tls returns, so that one must count too.
        return WireStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    def head_length(self) -> int | None:
        """Bytes before the final response's body; None when the head was never seen whole."""
        start = 0
        while match := BLANK_LINE.search(self._head, start):
            if not INFORMATIONAL.match(self._head, start):
                return match.end()
            start = match.end()
        return None

    async def overran(self, declared: int, grace: float) -> bool:
        """Whether the server sent more than the head and ``declared`` body bytes.

        Bytes already read past the body sit unparsed in h11's buffer, and the count shows
        them; otherwise one more read waits up to ``grace`` seconds for the end of the
        connection (asked for with ``Connection: close``): an honest server closes it, one
        whose body is longer goes on sending. A server that keeps the connection open in
        silence is given the benefit of the doubt."""
        head = self.head_length()
        if head is None:
            return False
        if self.received > head + declared:
            return True
        if self.closed:
            return False
        try:
            return bool(await self._inner.read(1, timeout=grace))
        except (httpcore.ReadTimeout, httpcore.ReadError):
            return False


class WireBackend(httpcore.AsyncNetworkBackend):
    """anyio's network backend (httpx's default under asyncio) with counted connections."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return WireStream(inner)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return WireStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def counted_transport(max_connections: int) -> httpx.AsyncHTTPTransport:
    """httpx's transport over counted connections.

    httpx has no public setting for the network backend, so its connection pool is replaced
    by one built with the same defaults (certificate checks on, HTTP/1.1) and WireBackend."""
    limits = httpx.Limits(max_connections=max_connections)
    transport = httpx.AsyncHTTPTransport(limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=WireBackend(),
    )
    return transport
